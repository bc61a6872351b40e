//! Training: the one loop (`trainer`) over an objective, the single-task models' objective
//! (`train`; the joint model's is in `model::joint`), and the training mixes of the public
//! datasets and our samples (`mix`).

pub mod mix;
pub mod train;
pub mod trainer;
