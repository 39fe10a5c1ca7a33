//! Parsing the plain-text export of an API doc page.
//!
//! The export is a sequence of blank-line-separated cells. Section headings
//! ("URI", "Request Parameters", "Status Codes", …) are cells of their own; a
//! table is a "Table N Title" cell, its header cells, then its rows' cells.
//! Descriptions may span several cells, so a row is recognised by its shape:
//! a parameter name, a Mandatory value (`Yes`/`No`; empty in some exports),
//! then a Type cell. Both the English and the Chinese layout are understood.

use std::fmt;

use serde_json::Value;

use super::field_type::FieldType;

/// A parsed page.
#[derive(Debug)]
pub struct Page {
    pub method: String,
    pub uri: String,
    pub tables: Vec<Table>,
    /// "Status code: N" sections of the response parameters, in page order.
    pub response_sections: Vec<ResponseSection>,
    /// The codes listed in the page's "Status Codes" table.
    pub status_codes: Vec<u16>,
    /// The JSON bodies of "Example Requests", in page order.
    pub examples: Vec<Example>,
    /// The page's title (the heading above "Function"), if found.
    pub title: Option<String>,
    /// The date of "Updated on 2026-02-10 GMT+08:00", if found.
    pub updated: Option<String>,
    /// The first paragraph under "Function", if any.
    pub function: Option<String>,
    /// Each code of the "Status Codes" table with its Description cell.
    pub status_descriptions: Vec<(u16, String)>,
}

impl Page {
    /// The object table titled `name` that a row of `from` refers to: the first such
    /// table after `from` (object tables follow the table that uses them), or else
    /// any; its index in `tables`.
    pub fn object_table(&self, name: &str, from: &Table, row: &str) -> Result<usize, String> {
        let matching = |t: &Table| t.title == name && t.role() == TableRole::Object;
        self.tables
            .iter()
            .position(|t| matching(t) && t.number > from.number)
            .or_else(|| self.tables.iter().position(matching))
            .ok_or_else(|| {
                format!(
                    "{} row {row} refers to table {name:?}, which the page does not have",
                    from.label()
                )
            })
    }
}

#[derive(Debug)]
pub struct Table {
    pub number: u32,
    pub title: String,
    pub line: usize,
    /// Whether the header has a Mandatory column (its cells may still be empty).
    pub has_mandatory_column: bool,
    pub rows: Vec<Row>,
}

impl Table {
    /// "Table 6 CreateServices", the way reports name a table.
    pub fn label(&self) -> String {
        format!("Table {} {}", self.number, self.title)
    }
}

#[derive(Debug)]
pub struct Row {
    pub name: String,
    /// `None` when the Mandatory cell is empty (or the table has no such column).
    pub mandatory: Option<bool>,
    pub type_text: String,
    pub field_type: FieldType,
    /// The Description cells, each trimmed and folded to one line, joined by spaces.
    pub description: String,
    pub line: usize,
}

#[derive(Debug)]
pub struct ResponseSection {
    pub status: u16,
    /// Index into [`Page::tables`] of the section's response body table.
    pub table: Option<usize>,
    pub line: usize,
}

#[derive(Debug)]
pub struct Example {
    pub value: Value,
    pub line: usize,
}

/// Why a page could not be parsed; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

fn error(line: Option<usize>, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// What a table's title says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableRole {
    RequestBody,
    ResponseBody,
    /// Path, query or header parameters.
    Parameters,
    /// A table describing the members of an `X object`.
    Object,
}

impl Table {
    pub fn role(&self) -> TableRole {
        let title = self.title.to_ascii_lowercase();
        if title == "request body parameters" || self.title == "请求Body参数" {
            TableRole::RequestBody
        } else if title == "response body parameters" || self.title == "响应Body参数" {
            TableRole::ResponseBody
        } else if title.ends_with("parameters") || self.title.ends_with("参数") {
            TableRole::Parameters
        } else {
            TableRole::Object
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Other,
    Uri,
    RequestParameters,
    ResponseParameters,
    ExampleRequests,
    ExampleResponses,
    StatusCodes,
    ErrorCodes,
}

/// One blank-line-separated cell.
#[derive(Debug)]
struct Cell<'a> {
    lines: Vec<&'a str>,
    /// 1-based line number of the first line.
    line: usize,
}

impl Cell<'_> {
    /// The cell's only line, trimmed, if it has exactly one.
    fn single(&self) -> Option<&str> {
        match self.lines.as_slice() {
            [only] => Some(only.trim()),
            _ => None,
        }
    }

    /// The single line, if it starts at the left margin (headings, names and
    /// table titles do; bullets and indented prose do not).
    fn flush(&self) -> Option<&str> {
        let only = self.single()?;
        let raw = self.lines[0];
        (!raw.starts_with(char::is_whitespace)).then_some(only)
    }

    fn text(&self) -> String {
        self.lines
            .iter()
            .map(|line| line.trim())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn cells(text: &str) -> Vec<Cell<'_>> {
    let mut cells = Vec::new();
    let mut current: Option<Cell<'_>> = None;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            cells.extend(current.take());
        } else {
            current
                .get_or_insert_with(|| Cell {
                    lines: Vec::new(),
                    line: index + 1,
                })
                .lines
                .push(line);
        }
    }
    cells.extend(current);
    cells
}

fn heading(cell: &Cell<'_>, current: Section) -> Option<Section> {
    let text = cell.flush()?;
    Some(match text {
        "Function"
        | "功能介绍"
        | "Debugging"
        | "调试"
        | "Authorization Information"
        | "授权信息" => Section::Other,
        "URI" => Section::Uri,
        "Request Parameters" | "请求参数" => Section::RequestParameters,
        "Response Parameters" | "响应参数" => Section::ResponseParameters,
        "Example Requests" | "请求示例" => Section::ExampleRequests,
        "Example Responses" | "响应示例" => Section::ExampleResponses,
        "Status Codes" => Section::StatusCodes,
        // The Chinese heading doubles as the first header cell of its table.
        "状态码" if current != Section::StatusCodes => Section::StatusCodes,
        "Error Codes" | "错误码" => Section::ErrorCodes,
        _ => return None,
    })
}

/// `Table 6 CreateServices` / `表6 CreateServices` → (6, "CreateServices").
fn table_title(cell: &Cell<'_>) -> Option<(u32, String)> {
    let text = cell.flush()?;
    let rest = text
        .strip_prefix("Table ")
        .or_else(|| text.strip_prefix('表'))?;
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let number = rest[..digits_end].parse().ok()?;
    let title = rest[digits_end..].trim();
    (!title.is_empty()).then(|| (number, title.to_string()))
}

/// `Status code: 400` / `状态码：400` → 400.
fn status_line(cell: &Cell<'_>) -> Option<u16> {
    let text = cell.flush()?;
    let rest = text
        .strip_prefix("Status code")
        .or_else(|| text.strip_prefix("状态码"))?;
    let code = rest.trim_start().strip_prefix([':', '：'])?.trim();
    status_code(code)
}

fn status_code(text: &str) -> Option<u16> {
    (text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `POST /v1/{project_id}/…` → ("POST", "/v1/{project_id}/…"), query dropped.
fn uri_line(cell: &Cell<'_>) -> Option<(String, String)> {
    let text = cell.flush()?;
    let (method, uri) = text.split_once(' ')?;
    let known = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
    if !known.contains(&method) || !uri.starts_with('/') {
        return None;
    }
    let path = uri.split('?').next().unwrap_or(uri).trim();
    Some((method.to_string(), path.to_string()))
}

fn is_name(cell: &Cell<'_>) -> bool {
    let Some(text) = cell.flush() else {
        return false;
    };
    if mandatory_value(cell).is_some() {
        return false;
    }
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn mandatory_value(cell: &Cell<'_>) -> Option<bool> {
    match cell.flush()? {
        "Yes" | "是" => Some(true),
        "No" | "否" => Some(false),
        _ => None,
    }
}

fn field_type(cell: &Cell<'_>) -> Option<FieldType> {
    FieldType::parse(cell.flush()?)
}

/// Header cells → whether there is a Mandatory column, and how many cells the header has.
fn header(cells: &[Cell<'_>]) -> Option<(bool, usize)> {
    let texts: Vec<&str> = cells.iter().take(4).filter_map(Cell::flush).collect();
    const WITH_MANDATORY: [[&str; 4]; 2] = [
        ["Parameter", "Mandatory", "Type", "Description"],
        ["参数", "是否必选", "参数类型", "描述"],
    ];
    const WITHOUT_MANDATORY: [[&str; 3]; 2] = [
        ["Parameter", "Type", "Description"],
        ["参数", "参数类型", "描述"],
    ];
    if WITH_MANDATORY.iter().any(|h| texts.starts_with(h)) {
        Some((true, 4))
    } else if WITHOUT_MANDATORY.iter().any(|h| texts.starts_with(h)) {
        Some((false, 3))
    } else {
        None
    }
}

/// Parses a page's text.
pub fn parse(text: &str) -> Result<Page, ParseError> {
    let cells = cells(text);
    let mut section = Section::Other;
    let mut uri: Option<(String, String)> = None;
    let mut tables: Vec<Table> = Vec::new();
    let mut response_sections: Vec<ResponseSection> = Vec::new();
    let mut status_codes: Vec<u16> = Vec::new();
    let mut status_descriptions: Vec<(u16, String)> = Vec::new();
    let mut title: Option<String> = None;
    let mut updated: Option<String> = None;
    let mut function: Option<String> = None;
    // Line ranges (0-based, end exclusive) of "Example Requests" sections.
    let mut example_spans: Vec<(usize, usize)> = Vec::new();

    let mut i = 0;
    while i < cells.len() {
        let cell = &cells[i];
        if section == Section::Other && uri.is_none() && tables.is_empty() {
            preamble(cell, &mut title, &mut updated);
        }
        if let Some(next) = heading(cell, section) {
            if cell
                .flush()
                .is_some_and(|t| t == "Function" || t == "功能介绍")
            {
                function = cells.get(i + 1).map(Cell::text);
            }
            if section == Section::ExampleRequests
                && let Some(span) = example_spans.last_mut()
            {
                span.1 = cell.line - 1;
            }
            if next == Section::ExampleRequests {
                example_spans.push((cell.line, usize::MAX));
            }
            section = next;
            i += 1;
            continue;
        }
        match section {
            Section::ExampleRequests | Section::ExampleResponses | Section::ErrorCodes => {}
            Section::StatusCodes => {
                if let Some(code) = cell.flush().and_then(status_code) {
                    status_codes.push(code);
                    // The Description cells up to the next code.
                    let description: Vec<String> = cells[i + 1..]
                        .iter()
                        .take_while(|c| {
                            c.flush().and_then(status_code).is_none()
                                && heading(c, Section::StatusCodes).is_none()
                        })
                        .map(Cell::text)
                        .collect();
                    status_descriptions.push((code, description.join(" ")));
                }
            }
            _ => {
                if uri.is_none()
                    && let Some(found) = uri_line(cell)
                {
                    uri = Some(found);
                } else if let Some((number, title)) = table_title(cell) {
                    let (table, next) = parse_table(&cells, i, number, title)?;
                    if table.role() == TableRole::ResponseBody {
                        let owner = response_sections
                            .last_mut()
                            .filter(|s| section == Section::ResponseParameters && s.table.is_none())
                            .ok_or_else(|| {
                                error(
                                    Some(table.line),
                                    format!(
                                        "{} is not under a \"Status code: N\" line of its own",
                                        table.label()
                                    ),
                                )
                            })?;
                        owner.table = Some(tables.len());
                    }
                    tables.push(table);
                    i = next;
                    continue;
                } else if section == Section::ResponseParameters
                    && let Some(status) = status_line(cell)
                {
                    response_sections.push(ResponseSection {
                        status,
                        table: None,
                        line: cell.line,
                    });
                }
            }
        }
        i += 1;
    }

    let (method, uri) = uri.ok_or_else(|| {
        error(
            None,
            "no URI found (a cell such as `POST /v1/{project_id}/…` under the URI heading; \
             cells are separated by blank lines in a plain-text export)",
        )
    })?;
    if tables.is_empty() {
        return Err(error(
            None,
            "no tables found (no \"Table N Title\" / \"表N 标题\" lines)",
        ));
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut examples = Vec::new();
    for (start, end) in example_spans {
        let end = end.min(lines.len());
        examples.extend(json_bodies(&lines, start, end)?);
    }
    Ok(Page {
        method,
        uri,
        tables,
        response_sections,
        status_codes,
        examples,
        title,
        updated,
        function,
        status_descriptions,
    })
}

/// Reads the title and the edition date from a cell before the first heading:
/// `Updated on 2026-02-10 GMT+08:00` (`更新时间：…`), then the title's own line
/// (the breadcrumb `Help Center/ …` and the Chinese export's `分享` are skipped).
fn preamble(cell: &Cell<'_>, title: &mut Option<String>, updated: &mut Option<String>) {
    for line in &cell.lines {
        let text = line.trim();
        if let Some(rest) = text
            .strip_prefix("Updated on ")
            .or_else(|| text.strip_prefix("更新时间："))
            .or_else(|| text.strip_prefix("更新时间:"))
        {
            *updated = rest.split_whitespace().next().map(str::to_string);
        } else if title.is_none()
            && updated.is_some()
            && !text.starts_with("Help Center")
            && text != "分享"
        {
            *title = Some(text.to_string());
        }
    }
}

/// Whether a cell ends a table's rows.
fn ends_rows(cell: &Cell<'_>) -> bool {
    table_title(cell).is_some()
        || heading(cell, Section::Other).is_some()
        || status_line(cell).is_some()
}

/// Parses the table whose title cell is `cells[title_index]`; returns it and
/// the index of the first cell after it.
fn parse_table(
    cells: &[Cell<'_>],
    title_index: usize,
    number: u32,
    title: String,
) -> Result<(Table, usize), ParseError> {
    let line = cells[title_index].line;
    let label = format!("Table {number} {title}");
    let after_title = &cells[title_index + 1..];
    let (has_mandatory_column, header_len) = header(after_title).ok_or_else(|| {
        let found: Vec<String> = after_title
            .iter()
            .take(4)
            .map(|c| format!("{:?}", c.text()))
            .collect();
        error(
            Some(line),
            format!(
                "{label}: header not recognised: expected Parameter/[Mandatory/]Type/Description \
                 (or 参数/[是否必选/]参数类型/描述), found {}",
                found.join(", ")
            ),
        )
    })?;
    let start = title_index + 1 + header_len;
    let end = cells[start..]
        .iter()
        .position(ends_rows)
        .map_or(cells.len(), |offset| start + offset);
    let region = &cells[start..end];

    let mut rows: Vec<Row> = Vec::new();
    let mut j = 0;
    while j < region.len() {
        if let Some((row, consumed)) = row_at(region, j, has_mandatory_column) {
            if let Some(previous) = rows.iter().find(|r| r.name == row.name) {
                return Err(error(
                    Some(row.line),
                    format!(
                        "{label}: parameter {} appears twice (lines {} and {})",
                        row.name, previous.line, row.line
                    ),
                ));
            }
            rows.push(row);
            j += consumed;
            continue;
        }
        let cell = &region[j];
        if rows.is_empty() {
            return Err(error(
                Some(cell.line),
                format!(
                    "{label}: expected a row (parameter name, {}type) after the header, found {:?}",
                    if has_mandatory_column {
                        "Mandatory, "
                    } else {
                        ""
                    },
                    cell.text()
                ),
            ));
        }
        check_description_cell(region, j, has_mandatory_column, &label)?;
        if let Some(row) = rows.last_mut() {
            if !row.description.is_empty() {
                row.description.push(' ');
            }
            row.description.push_str(&cell.text());
        }
        j += 1;
    }
    if rows.is_empty() {
        return Err(error(Some(line), format!("{label} has no rows")));
    }
    let table = Table {
        number,
        title,
        line,
        has_mandatory_column,
        rows,
    };
    Ok((table, end))
}

/// A row starting at `region[j]`, and how many cells its name, Mandatory and
/// Type take.
fn row_at(region: &[Cell<'_>], j: usize, has_mandatory_column: bool) -> Option<(Row, usize)> {
    let name_cell = &region[j];
    if !is_name(name_cell) {
        return None;
    }
    let name = name_cell.flush()?.to_string();
    let row = |mandatory, type_cell: &Cell<'_>, field_type| Row {
        name: name.clone(),
        mandatory,
        type_text: type_cell.text(),
        field_type,
        description: String::new(),
        line: name_cell.line,
    };
    if has_mandatory_column
        && let (Some(mandatory_cell), Some(type_cell)) = (region.get(j + 1), region.get(j + 2))
        && let (Some(mandatory), Some(field_type)) =
            (mandatory_value(mandatory_cell), field_type(type_cell))
    {
        return Some((row(Some(mandatory), type_cell, field_type), 3));
    }
    let type_cell = region.get(j + 1)?;
    let field_type = field_type(type_cell)?;
    Some((row(None, type_cell, field_type), 2))
}

/// A description cell must not look like a broken row: a name and a
/// Mandatory value whose Type is not a type, or a Mandatory/Type pair whose
/// name is not a parameter name.
fn check_description_cell(
    region: &[Cell<'_>],
    j: usize,
    has_mandatory_column: bool,
    label: &str,
) -> Result<(), ParseError> {
    if !has_mandatory_column {
        return Ok(());
    }
    let cell = &region[j];
    let next = region.get(j + 1);
    let after = region.get(j + 2);
    if is_name(cell)
        && next.and_then(mandatory_value).is_some()
        && let Some(type_cell) = after
        && field_type(type_cell).is_none()
    {
        return Err(error(
            Some(cell.line),
            format!(
                "{label}: row {:?} does not fit: its Type cell {:?} is not a recognised type",
                cell.text(),
                type_cell.text()
            ),
        ));
    }
    if mandatory_value(cell).is_some()
        && next.and_then(field_type).is_some()
        && j > 0
        && !is_name(&region[j - 1])
    {
        return Err(error(
            Some(cell.line),
            format!(
                "{label}: row does not fit: Mandatory/Type cells follow {:?}, which is not a parameter name",
                region[j - 1].text()
            ),
        ));
    }
    Ok(())
}

/// The JSON values in lines `start..end` (0-based): every value starts on a
/// line whose first non-blank character is `{` or `[`; bullets and
/// `POST /…` lines around them are skipped.
fn json_bodies(lines: &[&str], start: usize, end: usize) -> Result<Vec<Example>, ParseError> {
    let mut examples = Vec::new();
    let mut index = start;
    while index < end {
        let trimmed = lines[index].trim_start();
        if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
            index += 1;
            continue;
        }
        let text = lines[index..end].join("\n");
        let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(value)) => value,
            Some(Err(e)) => {
                return Err(error(
                    Some(index + 1),
                    format!("example request is not valid JSON: {e}"),
                ));
            }
            None => break,
        };
        let consumed = &text[..stream.byte_offset()];
        examples.push(Example {
            value,
            line: index + 1,
        });
        index += consumed.lines().count().max(1);
    }
    Ok(examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_on_whitespace_only_lines() {
        let cells = cells("a\nb\n   \nc\n\n\nd");
        let texts: Vec<String> = cells.iter().map(Cell::text).collect();
        assert_eq!(texts, ["a b", "c", "d"]);
        assert_eq!(cells[1].line, 4);
    }

    #[test]
    fn status_lines_in_both_languages() {
        let english = cells("Status code: 409");
        let chinese = cells("状态码：500");
        let ascii_colon = cells("状态码:400");
        assert_eq!(status_line(&english[0]), Some(409));
        assert_eq!(status_line(&chinese[0]), Some(500));
        assert_eq!(status_line(&ascii_colon[0]), Some(400));
    }

    #[test]
    fn table_titles_in_both_languages() {
        let english = cells("Table 12 Eip");
        let chinese = cells("表3 请求Body参数");
        assert_eq!(table_title(&english[0]), Some((12, "Eip".into())));
        assert_eq!(table_title(&chinese[0]), Some((3, "请求Body参数".into())));
    }
}
