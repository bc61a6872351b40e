//! A deterministic force-directed layout (Fruchterman–Reingold) for the HTML graph: nodes start
//! on a circle in the order given (the caller sorts them), run a fixed number of iterations with
//! a linearly cooling step, and end scaled into the unit square. No randomness, so the same
//! graph always gets the same picture.

/// A position in the unit square.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Iterations of the force simulation; enough for 150 nodes to settle.
const ITERATIONS: usize = 300;
/// Strength of the pull to the centre. The summed repulsion on a node at distance d from the
/// rest is about 1/d in these units, so a lone node settles near 1/sqrt(GRAVITY) = 0.35 from the
/// centre.
const GRAVITY: f64 = 8.0;

/// Lay out `n` nodes joined by `edges` (pairs of node indices; direction and self-loops are
/// ignored). Every coordinate is finite and in [0, 1].
pub fn layout(n: usize, edges: &[(usize, usize)]) -> Vec<Point> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![Point { x: 0.5, y: 0.5 }];
    }
    let tau = std::f64::consts::TAU;
    let mut pos: Vec<Point> = (0..n)
        .map(|i| {
            let a = tau * i as f64 / n as f64;
            Point {
                x: 0.5 + 0.4 * a.cos(),
                y: 0.5 + 0.4 * a.sin(),
            }
        })
        .collect();
    let links: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a != b && a < n && b < n)
        .collect();
    // The ideal distance between nodes for the unit square.
    let k = (1.0 / n as f64).sqrt();
    let mut disp = vec![Point { x: 0.0, y: 0.0 }; n];
    for it in 0..ITERATIONS {
        let temperature = 0.1 * (1.0 - it as f64 / ITERATIONS as f64);
        for d in disp.iter_mut() {
            *d = Point { x: 0.0, y: 0.0 };
        }
        for i in 0..n {
            for j in (i + 1)..n {
                let (dx, dy, dist) = delta(pos[i], pos[j], i, j);
                let f = k * k / dist;
                disp[i].x += dx / dist * f;
                disp[i].y += dy / dist * f;
                disp[j].x -= dx / dist * f;
                disp[j].y -= dy / dist * f;
            }
        }
        for &(a, b) in &links {
            let (dx, dy, dist) = delta(pos[a], pos[b], a, b);
            let f = dist * dist / k;
            disp[a].x -= dx / dist * f;
            disp[a].y -= dy / dist * f;
            disp[b].x += dx / dist * f;
            disp[b].y += dy / dist * f;
        }
        for (p, d) in pos.iter_mut().zip(&disp) {
            // A pull to the centre, growing with distance, holds small unconnected parts near
            // the rest instead of letting repulsion push them to the frame (where stretching the
            // picture to the frame would squeeze the main component into a corner).
            let gx = d.x + (0.5 - p.x) * GRAVITY;
            let gy = d.y + (0.5 - p.y) * GRAVITY;
            let len = (gx * gx + gy * gy).sqrt();
            if len > 0.0 && len.is_finite() {
                let step = len.min(temperature);
                p.x = (p.x + gx / len * step).clamp(0.0, 1.0);
                p.y = (p.y + gy / len * step).clamp(0.0, 1.0);
            }
        }
    }
    normalise(&mut pos);
    pos
}

/// The vector from `b` to `a` and its length; coincident nodes are pushed apart along a
/// direction fixed by their indices, so the result stays deterministic and finite.
fn delta(a: Point, b: Point, i: usize, j: usize) -> (f64, f64, f64) {
    let (dx, dy) = (a.x - b.x, a.y - b.y);
    let dist = (dx * dx + dy * dy).sqrt();
    if dist > 1e-9 {
        return (dx, dy, dist);
    }
    let angle = (i * 31 + j * 17) as f64;
    (angle.cos() * 1e-6, angle.sin() * 1e-6, 1e-6)
}

/// Stretch the bounding box to the unit square (each axis on its own when it has extent).
fn normalise(pos: &mut [Point]) {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in pos.iter() {
        x0 = x0.min(p.x);
        x1 = x1.max(p.x);
        y0 = y0.min(p.y);
        y1 = y1.max(p.y);
    }
    for p in pos.iter_mut() {
        p.x = if x1 - x0 > 1e-9 {
            (p.x - x0) / (x1 - x0)
        } else {
            0.5
        };
        p.y = if y1 - y0 > 1e-9 {
            (p.y - y0) / (y1 - y0)
        } else {
            0.5
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_deterministic_finite_and_inside_the_unit_square() {
        let edges: Vec<(usize, usize)> = (0..60).map(|i| (i % 20, (i * 7 + 3) % 25)).collect();
        let a = layout(25, &edges);
        let b = layout(25, &edges);
        assert_eq!(a, b);
        for p in &a {
            assert!(p.x.is_finite() && p.y.is_finite());
            assert!((0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y));
        }
        for n in 0..4 {
            assert_eq!(layout(n, &[(0, 0)]).len(), n);
        }
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones() {
        // Two triangles with no link between them.
        let edges = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)];
        let p = layout(6, &edges);
        let d = |a: usize, b: usize| ((p[a].x - p[b].x).powi(2) + (p[a].y - p[b].y).powi(2)).sqrt();
        assert!(d(0, 1) < d(0, 4), "{p:?}");
    }
}
