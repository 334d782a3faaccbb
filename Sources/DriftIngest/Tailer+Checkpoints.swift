import DriftEngine

extension Tailer {
    /// Finds the files of the checkpoints given to `init` (by path, else by inode in their folder:
    /// a file rotated while the daemon was down keeps its identity) and decides whether each saved
    /// offset can be trusted.
    func restore(_ checkpoints: [FileCheckpoint], now: Duration) throws(IngestError) {
        var saved: [FileIdentity: FileCheckpoint] = [:]
        var found: [(file: TailedFile, checkpoint: FileCheckpoint)] = []
        for checkpoint in checkpoints where saved[checkpoint.identity] == nil {
            saved[checkpoint.identity] = checkpoint
            guard let file = try locate(checkpoint, now: now) else {
                pendingNotices.append(TailNotice(
                    kind: .checkpointedFileMissing, path: checkpoint.path, offset: checkpoint.offset,
                    message: "checkpointed file (inode \(checkpoint.identity)) not found; what it held after offset \(checkpoint.offset) is not read"))
                continue
            }
            file.role = if let original = checkpoint.copyOf { .following(original) }
                        else if checkpoint.offset == 0 && checkpoint.fingerprintLength == 0 { .undecided }
                        else { .reading }
            files.append(file)
            found.append((file, checkpoint))
        }
        // Decided before the loop: a truncated file's copy that holds only lines already read becomes
        // a file read to its end, not one to resume from its own checkpoint.
        for (file, checkpoint) in found.filter({ $0.file.role == .reading }) {
            let verdict = try verdict(file, against: checkpoint)
            if verdict == .trusted {
                try resume(file, offset: checkpoint.offset, lineNumber: checkpoint.lineNumber)
                continue
            }
            let (kind, reason): (TailNotice.Kind, String) = switch verdict {
            case .beyondEnd: (.checkpointBeyondEnd, "the file is \(file.size) bytes, shorter than the checkpoint's offset \(checkpoint.offset)")
            case .fingerprintChanged: (.fingerprintChanged, "the file's first bytes differ from the checkpoint's (inode reused by another file)")
            default: (.contentChanged, "the bytes before the checkpoint's offset \(checkpoint.offset) differ (file rewritten)")
            }
            try restartTruncated(file, before: checkpoint, kind: kind, now: now, reason + ": reading it from 0")
        }
        // Copies whose original is gone take over the original's checkpoint if their content agrees.
        for (file, _) in found {
            guard case .following(let original) = file.role,
                  !files.contains(where: { $0.identity == original && $0.role == .reading }) else { continue }
            file.role = .undecided
            if let originalCheckpoint = saved[original], try takeOver(file, from: originalCheckpoint) {
                file.role = .reading
            }
        }
    }

    /// The checkpoint's file, open: under its last path, or under another name with the same
    /// device and inode in that folder or the pattern's.
    func locate(_ checkpoint: FileCheckpoint, now: Duration) throws(IngestError) -> TailedFile? {
        var folders = [StreamFiles.directory(of: checkpoint.path)]
        let patternFolder = StreamFiles.directory(of: pattern)
        if !folders.contains(patternFolder) && !patternFolder.contains(where: { "*?[".contains($0) }) {
            folders.append(patternFolder)
        }
        var candidates = [checkpoint.path]
        for folder in folders {
            for entry in Posix.entries(of: folder) where entry.inode == checkpoint.inode {
                candidates.append(Posix.join(folder, entry.name))
            }
        }
        for path in candidates {
            guard let (descriptor, info) = try Posix.open(path, expected: checkpoint.identity) else { continue }
            let file = TailedFile(identity: checkpoint.identity, path: path, descriptor: descriptor, status: info,
                                  role: .reading, now: now)
            file.matchesPattern = false  // the pattern's matches are looked at next
            return file
        }
        return nil
    }
}
