//! `cargo xtask mock` becomes the mock server: killing the PID it was started as
//! stops the server and frees its port (a child left running would keep it, and the
//! next start would fail with "Address already in use").

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn killing_the_xtask_pid_frees_the_mock_port() {
    let mut xtask = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["mock", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("xtask starts");
    let stdout = xtask.stdout.take().expect("stdout is piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    // Bounded: the mock is normally built already; a first build takes minutes.
    let line = receiver
        .recv_timeout(Duration::from_secs(300))
        .expect("the mock prints where it listens");
    let address = line
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();

    xtask.kill().expect("the xtask process can be killed");
    xtask.wait().expect("the xtask process ends");

    // The kernel frees the port when the process that listens on it is gone; allow
    // it a moment, bounded.
    let mut attempts = 0;
    let freed = loop {
        match TcpListener::bind(&address) {
            Ok(_) => break true,
            Err(_) if attempts < 50 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(_) => break false,
        }
    };
    assert!(
        freed,
        "{address} is still in use after the xtask PID was killed"
    );
}
