//! The exit codes, which scripts rely on; the README and `--help` document them.
//!
//! The numbers of "may have been placed" and "bad usage" follow the former
//! `place_order` example (2 and 3), so a script written for it never mistakes a
//! possibly placed order for a usage error and sends it again.

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the order was placed; the bodies are valid; the dry run was printed.
    Success,
    /// 1: no order was placed: the body is invalid, the service refused the order or
    /// the credentials, or no connection could be made. Fix the cause, send again.
    NotPlaced,
    /// 2: the order may have been placed (timeout after sending, 5xx, an unreadable
    /// answer). Look for it before sending again.
    MayHaveBeenPlaced,
    /// 3: bad usage: arguments, unreadable files, missing or malformed credentials or
    /// endpoint. Nothing was sent.
    Usage,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::NotPlaced => 1,
            Exit::MayHaveBeenPlaced => 2,
            Exit::Usage => 3,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// The table for `--help`.
pub const TABLE: &str = "Exit status:
  0  success: the order was placed, the bodies are valid, or the dry run was printed
  1  no order was placed: invalid body, refused by the service, or no connection;
     fix the cause and send again
  2  the order may have been placed (timeout after sending, 5xx, unreadable answer):
     look for it before sending again
  3  bad usage: arguments, unreadable files, credentials or endpoint; nothing was sent";
