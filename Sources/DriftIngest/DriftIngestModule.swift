// DriftIngest: see STYLE.md's map. (Placeholder until the module's first type lands.)
enum DriftIngestModule {}
