"""One reader per platform: a file in, a `records.SourceExport` out."""
