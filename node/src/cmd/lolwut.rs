//! LOLWUT (Redis 7.0 `lolwut.c`, `lolwut5.c`, `lolwut6.c`): a version banner, or with
//! `VERSION 5` Georg Nees' "Schotter" in braille characters, or with `VERSION 6` a skyline drawn
//! with terminal colors. The art is random; its size, characters, captions, argument parsing and
//! clamping follow Redis exactly. Randomness maps our `Rng` onto C's `rand()` (0..=RAND_MAX) so
//! every draw has the distribution Redis's code gives it.

use std::f64::consts::PI;

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult};
use crate::util::Rng;

pub const COMMANDS: &[(&str, Handler)] = &[("lolwut", lolwut)];

/// glibc's RAND_MAX.
pub const RAND_MAX: i32 = i32::MAX;

const SCHOTTER_CAPTION: &str = "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ";
const SKYLINE_CAPTION: &str =
    "\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. ";

/// LOLWUT [VERSION version] [version specific arguments ...]
fn lolwut(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let rng = &mut ctx.st.rng;
    let text = output(argv, crate::REDIS_VERSION, &mut || c_rand(rng))?;
    ctx.out.verbatim(&text);
    Ok(())
}

/// C's `rand()`: uniform in 0..=RAND_MAX (31 bits).
pub fn c_rand(rng: &mut Rng) -> i32 {
    (rng.next_u64() >> 33) as i32
}

/// Which art a version string selects (`lolwutCommand`'s test on its first three characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Art {
    Schotter,
    Skyline,
    Banner,
}

pub fn art_for(version: &str) -> Art {
    // Bytes past the end read as C's NUL terminator.
    let v = |i: usize| version.as_bytes().get(i).copied().unwrap_or(0);
    let major_dot = |m: u8| v(0) == m && v(1) == b'.';
    if (major_dot(b'5') && v(2) != b'9') || (major_dot(b'4') && v(2) == b'9') {
        Art::Schotter
    } else if (major_dot(b'6') && v(2) != b'9') || (major_dot(b'5') && v(2) == b'9') {
        Art::Skyline
    } else {
        Art::Banner
    }
}

/// The whole reply text for `argv` (argv[0] is the command name) on a server of `server_version`.
pub fn output(argv: &[Bytes], server_version: &str, rand: &mut impl FnMut() -> i32) -> Result<Vec<u8>, CmdError> {
    let mut rest = argv;
    let mut version = server_version.to_string();
    if argv.len() >= 3 && args::is(&argv[1], "version") {
        // Redis prints the number as `%u` of an `unsigned int`: 2^32+5 selects version 5.
        version = format!("{}.0.0", args::int(&argv[2])? as u32);
        // The version's own arguments then start after "VERSION n", as they do in Redis.
        rest = &argv[2..];
    }
    match art_for(&version) {
        Art::Schotter => lolwut5(rest, server_version, rand),
        Art::Skyline => lolwut6(rest, server_version, rand),
        Art::Banner => Ok(format!("Redis ver. {server_version}\n").into_bytes()),
    }
}

/// Optional integer argument `i` (C `long`), or `default` when absent.
fn opt_int(argv: &[Bytes], i: usize, default: i64) -> Result<i64, CmdError> {
    argv.get(i).map_or(Ok(default), |a| args::int(a))
}

/// LOLWUT VERSION 5 [columns] [squares-per-row] [squares-per-col]
fn lolwut5(argv: &[Bytes], server_version: &str, rand: &mut impl FnMut() -> i32) -> Result<Vec<u8>, CmdError> {
    let cols = opt_int(argv, 1, 66)?.clamp(1, 1000);
    let per_row = opt_int(argv, 2, 8)?.clamp(1, 200);
    let per_col = opt_int(argv, 3, 12)?.clamp(1, 200);
    let canvas = schotter(cols as i32, per_row as i32, per_col as i32, rand);
    let mut text = canvas.render_with_capacity(SCHOTTER_CAPTION.len() + server_version.len() + 1);
    text.extend_from_slice(SCHOTTER_CAPTION.as_bytes());
    text.extend_from_slice(server_version.as_bytes());
    text.push(b'\n');
    Ok(text)
}

/// LOLWUT VERSION 6 [columns] [rows]
fn lolwut6(argv: &[Bytes], server_version: &str, rand: &mut impl FnMut() -> i32) -> Result<Vec<u8>, CmdError> {
    let cols = opt_int(argv, 1, 80)?.clamp(1, 1000);
    let rows = opt_int(argv, 2, 20)?.clamp(1, 1000);
    let mut canvas = Canvas::new(cols as i32, rows as i32, 3);
    skyline(&mut canvas, rand);
    let mut text = render_colors(&canvas);
    text.extend_from_slice(SKYLINE_CAPTION.as_bytes());
    text.extend_from_slice(server_version.as_bytes());
    text.push(b'\n');
    Ok(text)
}

// ------------------------------------------------------------------------------------------------
// Canvases and drawing.

/// Something pixels can be drawn on; writes outside the canvas are ignored.
pub trait Plot {
    fn draw_pixel(&mut self, x: i32, y: i32, color: u8);
}

/// Redis's `lwCanvas`: one byte (a color) per pixel, (0,0) at the top left.
pub struct Canvas {
    pub width: i32,
    pub height: i32,
    pixels: Vec<u8>,
}

impl Canvas {
    pub fn new(width: i32, height: i32, bgcolor: u8) -> Canvas {
        let (width, height) = (width.max(0), height.max(0));
        Canvas { width, height, pixels: vec![bgcolor; width as usize * height as usize] }
    }

    fn index(&self, x: i32, y: i32) -> Option<usize> {
        let inside = x >= 0 && x < self.width && y >= 0 && y < self.height;
        inside.then(|| x as usize + y as usize * self.width as usize)
    }

    /// The pixel's color; 0 outside the canvas.
    pub fn get_pixel(&self, x: i32, y: i32) -> u8 {
        self.index(x, y).map_or(0, |i| self.pixels[i])
    }
}

impl Plot for Canvas {
    fn draw_pixel(&mut self, x: i32, y: i32, color: u8) {
        if let Some(i) = self.index(x, y) {
            self.pixels[i] = color;
        }
    }
}

/// A black-and-white canvas stored as braille cells (2x4 pixels each, one byte of dots per cell):
/// the Schotter canvas can reach 2000x399204 pixels, an eighth of the memory Redis's byte-per-pixel
/// canvas takes, and it renders without translating pixels.
pub struct BrailleCanvas {
    pub width: i32,
    pub height: i32,
    cells_per_row: usize,
    cells: Vec<u8>,
}

/// The dot bit of the pixel at (dx, dy) inside its 2x4 cell, in Unicode braille order:
/// ```text
/// 0 3
/// 1 4
/// 2 5
/// 6 7
/// ```
fn braille_bit(dx: usize, dy: usize) -> u8 {
    const BITS: [[u8; 4]; 2] = [[0, 1, 2, 6], [3, 4, 5, 7]];
    1 << BITS[dx][dy]
}

impl BrailleCanvas {
    pub fn new(width: i32, height: i32) -> BrailleCanvas {
        let (width, height) = (width.max(0), height.max(0));
        let cells_per_row = (width as usize).div_ceil(2);
        BrailleCanvas { width, height, cells_per_row, cells: vec![0; cells_per_row * (height as usize).div_ceil(4)] }
    }

    pub fn get_pixel(&self, x: i32, y: i32) -> bool {
        if x < 0 || x >= self.width || y < 0 || y >= self.height {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        self.cells[y / 4 * self.cells_per_row + x / 2] & braille_bit(x % 2, y % 4) != 0
    }

    /// `renderCanvas` of lolwut5.c: a line of braille characters per 4 pixel rows, each line ended
    /// by a newline except when its first pixel row is the canvas's last one (a quirk kept as is).
    pub fn render(&self) -> Vec<u8> {
        self.render_with_capacity(0)
    }

    fn render_with_capacity(&self, extra: usize) -> Vec<u8> {
        let lines = self.cells.len().checked_div(self.cells_per_row).unwrap_or(0);
        let mut out = Vec::with_capacity(lines * (self.cells_per_row * 3 + 1) + extra);
        for (i, line) in self.cells.chunks(self.cells_per_row.max(1)).enumerate() {
            for &dots in line {
                out.extend_from_slice(&braille_utf8(dots));
            }
            if i as i32 * 4 != self.height - 1 {
                out.push(b'\n');
            }
        }
        out
    }
}

impl Plot for BrailleCanvas {
    /// Color 0 clears the dot, any other color sets it.
    fn draw_pixel(&mut self, x: i32, y: i32, color: u8) {
        if x < 0 || x >= self.width || y < 0 || y >= self.height {
            return;
        }
        let (x, y) = (x as usize, y as usize);
        let cell = &mut self.cells[y / 4 * self.cells_per_row + x / 2];
        let bit = braille_bit(x % 2, y % 4);
        if color != 0 {
            *cell |= bit;
        } else {
            *cell &= !bit;
        }
    }
}

/// UTF-8 of the braille character with these dots (U+2800 + dots, always three bytes).
pub fn braille_utf8(dots: u8) -> [u8; 3] {
    let code = 0x2800u32 + dots as u32;
    [0xE0 | (code >> 12) as u8, 0x80 | ((code >> 6) & 0x3F) as u8, 0x80 | (code & 0x3F) as u8]
}

/// Bresenham line from (x1,y1) to (x2,y2), both ends included.
pub fn draw_line(canvas: &mut impl Plot, mut x1: i32, mut y1: i32, x2: i32, y2: i32, color: u8) {
    // i64 so that no coordinate a caller passes can overflow the error terms.
    let (dx, dy) = ((x2 as i64 - x1 as i64).abs(), (y2 as i64 - y1 as i64).abs());
    let sx = if x1 < x2 { 1 } else { -1 };
    let sy = if y1 < y2 { 1 } else { -1 };
    let mut err = dx - dy;
    loop {
        canvas.draw_pixel(x1, y1, color);
        if x1 == x2 && y1 == y2 {
            break;
        }
        let e2 = err * 2;
        if e2 > -dy {
            err -= dy;
            x1 += sx;
        }
        if e2 < dx {
            err += dx;
            y1 += sy;
        }
    }
}

/// A square centered on (x,y), `size` pixels wide, rotated by `angle` radians: its corners are
/// the points at 45°+angle, 135°+angle, ... on the circle that circumscribes it. The arithmetic
/// mixes `float` and `double` exactly as Redis's C does, so that corners land on the same pixels.
pub fn draw_square(canvas: &mut impl Plot, x: i32, y: i32, size: f32, angle: f32, color: u8) {
    // The circumscribing circle's radius: the side over sqrt(2), rounded. Redis's truncated
    // constant, not SQRT_2, so that halves round the same way.
    #[allow(clippy::approx_constant)]
    let size = ((size as f64 / 1.4142135623) as f32 as f64).round() as f32;
    let mut k = (PI / 4.0 + angle as f64) as f32;
    let mut px = [0i32; 4];
    let mut py = [0i32; 4];
    for j in 0..4 {
        px[j] = ((k as f64).sin() * size as f64 + x as f64).round() as i32;
        py[j] = ((k as f64).cos() * size as f64 + y as f64).round() as i32;
        k = (k as f64 + PI / 2.0) as f32;
    }
    for j in 0..4 {
        draw_line(canvas, px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
    }
}

// ------------------------------------------------------------------------------------------------
// LOLWUT 5: Schotter.

/// `rand() / RAND_MAX` in C `float`s.
fn unit(rand: &mut impl FnMut() -> i32) -> f32 {
    rand() as f32 / RAND_MAX as f32
}

/// Georg Nees' "Schotter": a grid of squares, more and more rotated and displaced row after row.
/// The canvas is two pixels per console column wide (a braille character is 2x4), with a
/// 2 pixel margin, and as tall as the rows of squares need.
pub fn schotter(console_cols: i32, per_row: i32, per_col: i32, rand: &mut impl FnMut() -> i32) -> BrailleCanvas {
    let (per_row, per_col) = (per_row.max(1), per_col.max(1));
    let width = console_cols.max(0).saturating_mul(2);
    let padding = if width > 4 { 2 } else { 0 };
    let side = (width - padding * 2) as f32 / per_row as f32;
    let height = (side * per_col as f32 + (padding * 2) as f32) as i32;
    let mut canvas = BrailleCanvas::new(width, height);
    for y in 0..per_col {
        for x in 0..per_row {
            let mut sx = (x as f32 * side + side / 2.0 + padding as f32) as i32;
            let mut sy = (y as f32 * side + side / 2.0 + padding as f32) as i32;
            let mut angle = 0.0f32;
            // The first two rows stay in order; chaos grows with the row number after them.
            if y > 1 {
                let mut r1 = unit(rand) / per_col as f32 * y as f32;
                let mut r2 = unit(rand) / per_col as f32 * y as f32;
                let mut r3 = unit(rand) / per_col as f32 * y as f32;
                if rand() % 2 != 0 {
                    r1 = -r1;
                }
                if rand() % 2 != 0 {
                    r2 = -r2;
                }
                if rand() % 2 != 0 {
                    r3 = -r3;
                }
                angle = r1;
                sx = (sx as f32 + r2 * side / 3.0) as i32;
                sy = (sy as f32 + r3 * side / 3.0) as i32;
            }
            draw_square(&mut canvas, sx, sy, side, angle, 1);
        }
    }
    canvas
}

// ------------------------------------------------------------------------------------------------
// LOLWUT 6: the skyline.

/// The terminal escape (foreground and background) of each of the four gray levels.
fn color_escape(color: u8) -> &'static str {
    match color {
        1 => "0;90;100m",
        2 => "0;37;47m",
        3 => "0;97;107m",
        _ => "0;30;40m",
    }
}

/// `renderCanvas` of lolwut6.c: every pixel a space painted with its gray, rows split by newlines.
pub fn render_colors(canvas: &Canvas) -> Vec<u8> {
    let mut out = Vec::with_capacity(canvas.width as usize * canvas.height as usize * 17 + 200);
    for y in 0..canvas.height {
        for x in 0..canvas.width {
            out.extend_from_slice(b"\x1b[");
            out.extend_from_slice(color_escape(canvas.get_pixel(x, y)).as_bytes());
            out.extend_from_slice(b" \x1b[0m");
        }
        if y != canvas.height - 1 {
            out.push(b'\n');
        }
    }
    out
}

/// One building, standing on the bottom row of the canvas.
#[derive(Debug, Clone, Copy)]
pub struct Skyscraper {
    pub xoff: i32,
    pub width: i32,
    pub height: i32,
    pub windows: bool,
    pub color: u8,
}

/// Draws a building whose roof is four pixels narrower than its body. With windows, the inner
/// part gets two-pixel-wide, one-pixel-tall windows (terminal cells are taller than wide) of a
/// random gray different from the wall.
pub fn draw_skyscraper(canvas: &mut Canvas, si: &Skyscraper, rand: &mut impl FnMut() -> i32) {
    let start_y = canvas.height - 1;
    let end_y = start_y - si.height + 1;
    for y in (end_y..=start_y).rev() {
        for x in si.xoff..si.xoff + si.width {
            if y == end_y && (x <= si.xoff + 1 || x >= si.xoff + si.width - 2) {
                continue;
            }
            let mut color = si.color;
            if si.windows && x > si.xoff + 1 && x < si.xoff + si.width - 2 && y > end_y + 1 && y < start_y - 1 {
                let rel_x = x - (si.xoff + 1);
                let rel_y = y - (end_y + 1);
                if (rel_x / 2) % 2 != 0 && rel_y % 2 != 0 {
                    loop {
                        color = (1 + rand() % 2) as u8;
                        if color != si.color {
                            break;
                        }
                    }
                    // The window's second pixel copies the first (after the draw, like Redis).
                    if rel_x % 2 != 0 {
                        color = canvas.get_pixel(x - 1, y);
                    }
                }
            }
            canvas.draw_pixel(x, y, color);
        }
    }
}

/// A skyline in the style of 8 bit games' parallax backgrounds: two layers of windowless
/// buildings (lighter ones behind), then the black foreground buildings with windows.
pub fn skyline(canvas: &mut Canvas, rand: &mut impl FnMut() -> i32) {
    let h = canvas.height.max(1);
    for color in [2u8, 1] {
        let mut offset = -10;
        while offset < canvas.width {
            offset += rand() % 8;
            let width = 10 + rand() % 9;
            // C precedence: `h/2 + rand()%h/2` is h/2 + (rand()%h)/2.
            let height = if color == 2 { h / 2 + rand() % h / 2 } else { h / 2 + rand() % h / 3 };
            draw_skyscraper(canvas, &Skyscraper { xoff: offset, width, height, windows: false, color }, rand);
            offset += if color == 2 { width / 2 } else { width + 1 };
        }
    }
    let mut offset = -10;
    while offset < canvas.width {
        offset += rand() % 8;
        let mut width = 5 + rand() % 14;
        if width % 4 != 0 {
            width += width % 3;
        }
        let height = h / 3 + rand() % h / 2;
        draw_skyscraper(canvas, &Skyscraper { xoff: offset, width, height, windows: true, color: 0 }, rand);
        offset += width + 5;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<Bytes> {
        s.split(' ').map(|a| Bytes::copy_from_slice(a.as_bytes())).collect()
    }

    fn run(s: &str, rng: &mut Rng) -> Result<String, String> {
        match output(&argv(s), "7.0.15", &mut || c_rand(rng)) {
            Ok(t) => Ok(String::from_utf8(t).expect("utf8")),
            Err(CmdError::Reply(e)) => Err(e.into_owned()),
            Err(_) => Err("blocked".into()),
        }
    }

    /// (lines of art, width in characters of each art line, caption) as the real server shows.
    fn schotter_shape(text: &str) -> (usize, Vec<usize>, &str) {
        let (art, caption) = text.split_at(text.find("Georg Nees").expect("caption"));
        let lines: Vec<&str> = art.split('\n').collect();
        let widths = lines.iter().map(|l| l.chars().count()).filter(|&w| w > 0).collect::<Vec<_>>();
        (widths.len(), widths, caption)
    }

    #[test]
    fn braille_encoding() {
        assert_eq!(braille_utf8(0), *"\u{2800}".as_bytes());
        assert_eq!(braille_utf8(0xFF), *"\u{28FF}".as_bytes());
        assert_eq!(braille_utf8(0x0B), *"⠋".as_bytes());
    }

    #[test]
    fn braille_canvas_renders_dots_in_unicode_order() {
        // 4x8 pixels: two lines of two cells.
        let mut c = BrailleCanvas::new(4, 8);
        // Cell (0,0): the left column, all four dots: bits 0,1,2,6 = 0x47 -> U+2847 ⡇.
        for y in 0..4 {
            c.draw_pixel(0, y, 1);
        }
        // Cell (1,0): the bottom-right dot only: bit 7 -> U+2880 ⢀.
        c.draw_pixel(3, 3, 1);
        // Cell (0,1): top-right dot (bit 3) -> U+2808 ⠈. Cell (1,1): the top row (bits 0,3) -> ⠉.
        c.draw_pixel(1, 4, 1);
        c.draw_pixel(2, 4, 1);
        c.draw_pixel(3, 4, 1);
        // Out of the canvas: ignored.
        c.draw_pixel(4, 0, 1);
        c.draw_pixel(-1, 0, 1);
        c.draw_pixel(0, 8, 1);
        assert_eq!(String::from_utf8(c.render()).unwrap(), "\u{2847}\u{2880}\n\u{2808}\u{2809}\n");
        // Color 0 clears a dot.
        c.draw_pixel(3, 3, 0);
        assert!(!c.get_pixel(3, 3));
        assert!(c.get_pixel(0, 3));
        assert_eq!(String::from_utf8(c.render()).unwrap(), "\u{2847}\u{2800}\n\u{2808}\u{2809}\n");
    }

    #[test]
    fn braille_canvas_clips_partial_cells_and_keeps_the_newline_quirk() {
        // Height 5: the second line's first pixel row (4) is the last one, so it gets no newline.
        let mut c = BrailleCanvas::new(2, 5);
        c.draw_pixel(0, 5, 1); // outside: the cell has room for it, the canvas does not
        c.draw_pixel(1, 4, 1);
        assert_eq!(String::from_utf8(c.render()).unwrap(), "\u{2800}\n\u{2808}");
        assert_eq!(BrailleCanvas::new(6, 0).render(), b"");
    }

    #[test]
    fn lines_and_squares() {
        let mut c = Canvas::new(5, 5, 0);
        draw_line(&mut c, 0, 0, 4, 2, 1);
        let lit: Vec<(i32, i32)> = (0..5).flat_map(|y| (0..5).map(move |x| (x, y))).filter(|&(x, y)| c.get_pixel(x, y) == 1).collect();
        assert_eq!(lit, vec![(0, 0), (1, 0), (2, 1), (3, 1), (4, 2)]);
        // An unrotated square of side 4*sqrt(2) has radius 4: corners at (x±3, y±3) after rounding.
        let mut c = Canvas::new(9, 9, 0);
        draw_square(&mut c, 4, 4, 4.0 * std::f32::consts::SQRT_2, 0.0, 2);
        for i in 1..8 {
            assert_eq!((c.get_pixel(i, 1), c.get_pixel(i, 7), c.get_pixel(1, i), c.get_pixel(7, i)), (2, 2, 2, 2));
        }
        assert_eq!(c.get_pixel(4, 4), 0);
        assert_eq!(c.get_pixel(0, 0), 0);
    }

    #[test]
    fn dispatch_by_version() {
        assert_eq!(art_for("7.0.15"), Art::Banner);
        assert_eq!(art_for("5.0.0"), Art::Schotter);
        assert_eq!(art_for("4.9.0"), Art::Schotter);
        assert_eq!(art_for("5.9.0"), Art::Skyline);
        assert_eq!(art_for("6.0.0"), Art::Skyline);
        assert_eq!(art_for("6.9.0"), Art::Banner);
        assert_eq!(art_for("5."), Art::Schotter);
        assert_eq!(art_for("5"), Art::Banner);
        assert_eq!(art_for(""), Art::Banner);
    }

    #[test]
    fn banner_and_errors_like_redis() {
        let mut rng = Rng::with_seed(1);
        let banner = "Redis ver. 7.0.15\n";
        for cmd in
            ["LOLWUT", "LOLWUT VERSION", "LOLWUT 10", "LOLWUT foo 5", "LOLWUT VERSION 4", "LOLWUT VERSION 7", "LOLWUT VERSION -1", "LOLWUT VERSION 0"]
        {
            assert_eq!(run(cmd, &mut rng).as_deref(), Ok(banner), "{cmd}");
        }
        let not_int = "ERR value is not an integer or out of range";
        for cmd in [
            "LOLWUT VERSION x",
            "LOLWUT VERSION 05",
            "LOLWUT VERSION +5",
            "LOLWUT VERSION 5.0",
            "LOLWUT VERSION 9999999999999999999",
            "LOLWUT VERSION 5 x",
            "LOLWUT VERSION 5 1 x",
            "LOLWUT VERSION 5 1 1 x",
            "LOLWUT VERSION 6 x",
            "LOLWUT VERSION 6 1 x",
            "LOLWUT version 6 1 1.5",
        ] {
            assert_eq!(run(cmd, &mut rng).unwrap_err(), not_int, "{cmd}");
        }
    }

    #[test]
    fn schotter_exact_when_deterministic() {
        // Verified byte for byte against redis-server 7.0.15 (no randomness in the first two rows).
        let mut rng = Rng::with_seed(7);
        let caption = "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n";
        assert_eq!(run("LOLWUT VERSION 5 1 1 1", &mut rng).unwrap(), format!("⠋\n{caption}"));
        // Extra arguments are ignored; a zero-height canvas prints only the caption.
        assert_eq!(run("lolwut version 5 1 1 1 x", &mut rng).unwrap(), format!("⠋\n{caption}"));
        assert_eq!(run("LOLWUT VERSION 5 1 200 1", &mut rng).unwrap(), caption);
        // Whole outputs copied from redis-server 7.0.15 (two rows of squares at most: no randomness).
        assert_eq!(run("LOLWUT VERSION 5 10 3 2", &mut rng).unwrap(), format!("⢰⠒⠒⢲⠒⠒⣶⠒⠒⡆\n⢸⣀⣀⣸⣀⣀⣿⣀⣀⡇\n⢸⠀⠀⢸⠀⠀⣿⠀⠀⡇\n⠘⠒⠒⠚⠒⠒⠛⠒⠒⠃\n{caption}"));
        assert_eq!(run("LOLWUT VERSION 5 3 1 1", &mut rng).unwrap(), format!("⠀⡤⡄\n⠀⠉⠁\n{caption}"));
        assert_eq!(run("LOLWUT VERSION 5 6 2 2", &mut rng).unwrap(), format!("⠀⡤⠤⡤⠤⡄\n⠀⡧⠤⡧⠤⡇\n⠀⠧⠤⠧⠤⠇\n{caption}"));
        // 2^32+5 is version 5 once cast to a C unsigned int.
        assert!(run("LOLWUT VERSION 4294967301 1 1 1", &mut rng).unwrap().starts_with("⠋\n\nGeorg"));
    }

    #[test]
    fn schotter_shapes_match_redis() {
        // (arguments, art lines, characters per line) observed on redis-server 7.0.15.
        let cases = [
            ("LOLWUT VERSION 5", 49, 66),
            ("LOLWUT VERSION 5 1 1 1", 1, 1),
            ("LOLWUT VERSION 5 0 0 0", 1, 1),
            ("LOLWUT VERSION 5 -5 -5 -5", 1, 1),
            ("LOLWUT VERSION 5 10 3 2", 4, 10),
            ("LOLWUT VERSION 5 40 3", 77, 40),
            ("LOLWUT VERSION 5 20 5 3", 7, 20),
            ("LOLWUT VERSION 5 3 1 1", 2, 3),
            ("LOLWUT VERSION 5 3 2 1", 2, 3),
            ("LOLWUT VERSION 5 2000 300 300", 500, 1000),
            ("LOLWUT VERSION 5 1000 1000 1", 4, 1000),
            ("LOLWUT VERSION 5 7 200 200", 4, 7),
        ];
        let mut rng = Rng::with_seed(42);
        for (cmd, lines, width) in cases {
            let text = run(cmd, &mut rng).unwrap();
            let (n, widths, caption) = schotter_shape(&text);
            assert_eq!(n, lines, "{cmd}");
            assert!(widths.iter().all(|&w| w == width), "{cmd}: {widths:?}");
            assert_eq!(caption, "Georg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n");
            assert!(text.chars().all(|c| ('\u{2800}'..='\u{28FF}').contains(&c) || c.is_ascii()), "{cmd}");
        }
    }

    #[test]
    fn schotter_top_rows_are_deterministic() {
        // Rows 0 and 1 use no randomness: their first braille line is the same for any rand().
        let first = |rand: &mut dyn FnMut() -> i32| {
            let c = schotter(66, 8, 12, &mut || rand());
            String::from_utf8(c.render()).unwrap().lines().next().unwrap().to_string()
        };
        assert_eq!(first(&mut || 0), first(&mut || RAND_MAX));
        // The first line of `LOLWUT VERSION 5` on redis-server 7.0.15.
        let real = "⠀⡤⠤⠤⠤⠤⠤⠤⠤⡤⠤⠤⠤⠤⠤⠤⠤⡤⠤⠤⠤⠤⠤⠤⠤⡤⠤⠤⠤⠤⠤⠤⠤⡤⠤⠤⠤⠤⠤⠤⠤⡤⠤⠤⠤⠤⠤⠤⠤⡤⠤⠤⠤⠤⠤⠤⠤⡤⠤⠤⠤⠤⠤⠤⠤⡄";
        assert_eq!(first(&mut || 0), real);
    }

    #[test]
    fn skyline_shapes_match_redis() {
        let caption =
            "\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n";
        let mut rng = Rng::with_seed(3);
        // One white pixel: every building has height 0 on a single row.
        assert_eq!(run("LOLWUT VERSION 6 1 1", &mut rng).unwrap(), format!("\x1b[0;97;107m \x1b[0m{caption}"));
        assert_eq!(run("LOLWUT VERSION 4294967302 2 1 x", &mut rng).unwrap(), format!("\x1b[0;97;107m \x1b[0m\x1b[0;97;107m \x1b[0m{caption}"));
        for (cmd, rows, cols) in [
            ("LOLWUT VERSION 6", 20, 80),
            ("LOLWUT VERSION 6 40 3", 3, 40),
            ("LOLWUT VERSION 6 0 -3", 1, 1),
            ("LOLWUT VERSION 6 5000 2", 2, 1000),
            ("LOLWUT VERSION 6 3 5000", 1000, 3),
            ("LOLWUT VERSION 6 200 100", 100, 200),
        ] {
            let text = run(cmd, &mut rng).unwrap();
            let art = text.strip_suffix(caption).expect("caption");
            let lines: Vec<&str> = art.split('\n').collect();
            assert_eq!(lines.len(), rows, "{cmd}");
            for l in lines {
                let cells: Vec<&str> = l.split_terminator(" \x1b[0m").collect();
                assert_eq!(cells.len(), cols, "{cmd}");
                assert!(cells.iter().all(|c| ["\x1b[0;30;40m", "\x1b[0;90;100m", "\x1b[0;37;47m", "\x1b[0;97;107m"].contains(c)));
            }
        }
    }

    #[test]
    fn skyscraper_windows_and_roof() {
        // rand() always 1: windows are gray 2 (1 + 1 % 2), the foreground wall black.
        let mut c = Canvas::new(10, 8, 3);
        draw_skyscraper(&mut c, &Skyscraper { xoff: 0, width: 10, height: 8, windows: true, color: 0 }, &mut || 1);
        let rows: Vec<String> = (0..8).map(|y| (0..10).map(|x| char::from(b'0' + c.get_pixel(x, y))).collect()).collect();
        assert_eq!(rows, ["3300000033", "0000000000", "0002200200", "0000000000", "0002200200", "0000000000", "0000000000", "0000000000"]);
    }

    #[test]
    fn c_rand_range() {
        let mut rng = Rng::with_seed(9);
        assert!((0..1000).map(|_| c_rand(&mut rng)).all(|r| (0..=RAND_MAX).contains(&r)));
    }
}
