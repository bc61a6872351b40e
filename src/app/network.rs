//! `standpoint network`: batch outputs aggregated into a holder-actor network.

use super::*;

pub(super) fn network_cmd(args: NetworkArgs) -> std::result::Result<(), CommandError> {
    let opts = crate::network::Options {
        inputs: args.inputs,
        output: args.output,
        min_count: args.min_count,
        holders: args.holders,
        actors: args.actors,
        date_field: args.date_field,
        bucket: args.bucket.into(),
        exclude_author: args.exclude_author,
    };
    let summary = crate::network::run(&opts)?;
    note!("{}", summary.line());
    Ok(())
}
