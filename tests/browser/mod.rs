//! Headless Chromium for the tests of the HTML pages standpoint writes (the evaluation report,
//! the document view, the network page): find it, screenshot a page, dump its DOM after its
//! scripts ran, and read a screenshot's pixels. A test crate that uses it also declares
//! `mod common;` (for the skip line).
#![allow(dead_code)] // each test crate uses its own subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `$CHROMIUM`, else `/usr/bin/chromium`. Without it: a panic on CI (`.ci/run` installs it),
/// elsewhere `None` after a visible skip line naming `what` is not checked.
pub fn chromium_or_skip(what: &str) -> Option<PathBuf> {
    let p = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if p.exists() {
        return Some(p);
    }
    crate::common::skip_unless_ci(
        &format!(
            "chromium not found at {}, so {what} did not run",
            p.display()
        ),
        "run: apt-get install chromium (or set $CHROMIUM to its path)",
    );
    None
}

/// Chromium with the flags a closed network and a root user need, and a fresh profile.
fn command(chromium: &Path, profile: &Path) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .stdin(Stdio::null());
    c
}

/// Waits for `child`, killing it after two minutes.
fn wait(mut child: std::process::Child, log: &Path) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish in 120 s; log:\n{}",
                fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Run Chromium on `html` with `args`, which make it write `out`; panics with its log when it
/// fails or writes nothing.
fn render_to(chromium: &Path, html: &Path, args: &[String], out: &Path, scratch: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let log_path = scratch.join("chromium.log");
    let log = fs::File::create(&log_path).unwrap();
    let child = command(chromium, profile.path())
        .args(args)
        .arg(format!("file://{}", html.display()))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("chromium starts");
    let status = wait(child, &log_path);
    assert!(
        status.success() && out.exists(),
        "chromium {args:?} failed ({status}); log:\n{}",
        fs::read_to_string(&log_path).unwrap_or_default()
    );
}

/// Screenshot `html` into `png` at `width` x `height`.
pub fn screenshot_sized(
    chromium: &Path,
    html: &Path,
    png: &Path,
    scratch: &Path,
    (width, height): (u32, u32),
) {
    let args = [
        format!("--window-size={width},{height}"),
        format!("--screenshot={}", png.display()),
    ];
    render_to(chromium, html, &args, png, scratch);
}

/// Screenshot `html` into `png` at 1200 x 1600.
pub fn screenshot(chromium: &Path, html: &Path, png: &Path, scratch: &Path) {
    screenshot_sized(chromium, html, png, scratch, (1200, 1600));
}

/// Print `html` to `pdf` as a browser's print dialog would (the page's print styles apply);
/// returns the PDF's bytes.
pub fn print_to_pdf(chromium: &Path, html: &Path, pdf: &Path, scratch: &Path) -> Vec<u8> {
    let args = [
        "--no-pdf-header-footer".to_string(),
        format!("--print-to-pdf={}", pdf.display()),
    ];
    render_to(chromium, html, &args, pdf, scratch);
    fs::read(pdf).unwrap()
}

/// The page's DOM as serialised after its scripts ran.
pub fn dump_dom(chromium: &Path, html: &Path, scratch: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let log_path = scratch.join("chromium-dom.log");
    let log = fs::File::create(&log_path).unwrap();
    let out_path = scratch.join("dom.html");
    let out = fs::File::create(&out_path).unwrap();
    let child = command(chromium, profile.path())
        .arg("--virtual-time-budget=3000")
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .stdout(out)
        .stderr(log)
        .spawn()
        .expect("chromium starts");
    let status = wait(child, &log_path);
    assert!(
        status.success(),
        "chromium --dump-dom failed ({status}); log:\n{}",
        fs::read_to_string(&log_path).unwrap_or_default()
    );
    fs::read_to_string(&out_path).unwrap()
}

/// Decode a PNG to 8-bit RGB(A) pixels: (width, height, channels, bytes).
pub fn decode(png_path: &Path) -> (u32, u32, usize, Vec<u8>) {
    let file = std::io::BufReader::new(fs::File::open(png_path).unwrap());
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    (info.width, info.height, channels, buf)
}

/// The share of pixels that are not (near) white, and the pixels for further checks.
pub fn ink(png_path: &Path) -> (f64, Vec<[u8; 3]>) {
    let (_, _, channels, px) = decode(png_path);
    let pixels: Vec<[u8; 3]> = px
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let non_white = pixels
        .iter()
        .filter(|p| p[0] < 245 || p[1] < 245 || p[2] < 245)
        .count();
    (non_white as f64 / pixels.len().max(1) as f64, pixels)
}

/// Pixels within 14 per channel of `c`.
pub fn near(pixels: &[[u8; 3]], c: [u8; 3]) -> usize {
    pixels
        .iter()
        .filter(|p| (0..3).all(|i| p[i].abs_diff(c[i]) <= 14))
        .count()
}

/// Every `href`, `src`, `url(` and `@import` target in `html` stays in the page (an anchor,
/// or nothing): no network reference, no file reference.
pub fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in ["http://", "https://", "//cdn", "src=", "@import", "<link"] {
        assert!(
            !lower.contains(bad),
            "the page holds '{bad}' near: {}",
            &lower[lower.find(bad).unwrap().saturating_sub(80)..]
                .chars()
                .take(200)
                .collect::<String>()
        );
    }
    // Links and CSS/SVG references may only point inside the page (`#id`).
    for key in ["href=\"", "url("] {
        for (i, _) in lower.match_indices(key) {
            let target = &lower[i + key.len()..];
            assert!(
                target.starts_with('#'),
                "a reference leaves the page: {key}{}",
                target.chars().take(80).collect::<String>()
            );
        }
    }
}

/// `&amp;` and the other entities `standpoint::markup::escape` writes, back to text.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of attribute `name`, unescaped, in the start tag that `tag` begins with.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let head = &tag[..tag.find('>')?];
    let key = format!(" {name}=\"");
    let at = head.find(&key)? + key.len();
    Some(unescape(&head[at..at + head[at..].find('"')?]))
}

/// A folder under Cargo's per-target scratch space, emptied, kept after the run to look at.
pub fn kept_dir(test: &str, name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test).join(name);
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}
