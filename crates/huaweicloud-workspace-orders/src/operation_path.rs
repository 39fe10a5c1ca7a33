//! What an operation's path template tells about a request path: the project id in
//! it. The same for every operation; the templates are the spec's.

use crate::operation::Operation;

impl Operation {
    /// The project id in an encoded request `path` that ends with this operation's
    /// path (after any base-URL path stem), percent-decoded; `None` when the path does
    /// not have the operation's shape (for instance after `..` in a project id was
    /// resolved away).
    pub fn project_id_in(self, path: &str) -> Option<String> {
        // Compared from the end, without collecting: a base URL may add a prefix.
        let template = self.path_template().split('/').skip(1);
        let template_len = template.clone().count();
        let segment_count = path.split('/').skip(1).count();
        let tail = path
            .split('/')
            .skip(1 + segment_count.checked_sub(template_len)?);
        let mut project_id = None;
        for (expected, actual) in template.zip(tail) {
            if expected == "{project_id}" {
                let decoded = percent_encoding::percent_decode_str(actual)
                    .decode_utf8()
                    .ok()?
                    .into_owned();
                project_id = Some(decoded);
            } else if expected != actual {
                return None;
            }
        }
        project_id
    }
}
