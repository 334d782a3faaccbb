import DriftEngine

extension Tailer {
    /// Whether a file's content agrees with a checkpoint, and if so its first bytes and those
    /// before the offset.
    enum Verdict: Equatable {
        case trusted
        case beyondEnd
        case fingerprintChanged
        case contentChanged
    }

    /// Checks `file` against `checkpoint`: at least `offset` bytes long, the same first bytes and
    /// the same bytes before the offset (by hash).
    func verdict(_ file: TailedFile, against checkpoint: FileCheckpoint) throws(IngestError) -> Verdict {
        guard file.size >= checkpoint.offset else { return .beyondEnd }
        if checkpoint.fingerprintLength > 0 {
            let head = try Posix.bytes(file.descriptor, at: 0, count: checkpoint.fingerprintLength, path: file.path)
            guard head.count == checkpoint.fingerprintLength, ContentHash.fnv1a(head) == checkpoint.fingerprint else {
                return .fingerprintChanged
            }
        }
        if checkpoint.tailLength > 0 {
            let start = checkpoint.offset - Int64(checkpoint.tailLength)
            guard start >= 0 else { return .contentChanged }
            let tail = try Posix.bytes(file.descriptor, at: start, count: checkpoint.tailLength, path: file.path)
            guard tail.count == checkpoint.tailLength, ContentHash.fnv1a(tail) == checkpoint.tailHash else {
                return .contentChanged
            }
        }
        return .trusted
    }

    /// Continues `file` where `checkpoint` stood, if its content agrees; true when it does.
    func takeOver(_ file: TailedFile, from checkpoint: FileCheckpoint) throws(IngestError) -> Bool {
        guard try verdict(file, against: checkpoint) == .trusted else { return false }
        try resume(file, offset: checkpoint.offset, lineNumber: checkpoint.lineNumber)
        return true
    }

    /// Puts `file` at a verified offset, reading its first bytes and those before the offset.
    func resume(_ file: TailedFile, offset: Int64, lineNumber: Int) throws(IngestError) {
        let length = Int(min(offset, Int64(configuration.fingerprintBytes)))
        let head = try Posix.bytes(file.descriptor, at: 0, count: Int(min(file.size, Int64(configuration.fingerprintBytes))),
                                   path: file.path)
        let tail = try Posix.bytes(file.descriptor, at: offset - Int64(length), count: length, path: file.path)
        file.resume(offset: offset, lineNumber: lineNumber, head: head, tail: tail)
    }

    /// A file whose content is no longer what was read (`before`): it is read again from 0 (and
    /// placed among the files not started yet, see `placeUnstartedFiles`); the lines it had not
    /// handed out are read from its copy when one is found.
    func restartTruncated(_ file: TailedFile, before: FileCheckpoint, kind: TailNotice.Kind, now: Duration,
                          _ message: String) throws(IngestError) {
        notice(kind, file, offset: before.offset, message)
        let seenHead = file.head
        file.restartAtZero()
        file.role = .reading
        file.caughtUpAt = now
        if before.fingerprintLength > 0, let copy = try copy(of: before, excluding: file, now: now) {
            // The copy takes the original's place: its unread lines come before anything newer.
            if let current = files.firstIndex(where: { $0 === copy }) { files.remove(at: current) }
            files.insert(copy, at: files.firstIndex(where: { $0 === file }) ?? files.count)
            notice(.resumedFromCopy, copy, offset: before.offset,
                   "copy of \(before.path): reading it from offset \(before.offset) (line \(before.lineNumber + 1))")
        }
        for other in files where other.role == .following(file.identity) {
            if try holdsOnlyLinesRead(other, before: before, seenHead: seenHead) {
                // Copied before the last lines read (copytruncate while driftd kept up): every line
                // in it was handed out from the original.
                try resume(other, offset: other.size, lineNumber: try lineEnds(in: other, upTo: other.size))
                other.role = .reading
                other.exhausted = true
                notice(.copyAlreadyRead, other, offset: other.size,
                       "copy of \(before.path) holds only lines already read from it (\(other.size) of \(before.offset) bytes): not read again")
            } else {
                other.role = .undecided
            }
        }
    }

    /// Whether `copy`, which began like the truncated file when it appeared (so it follows it),
    /// ends before `before`'s offset and agrees with what driftd knows of the file's first bytes:
    /// the checkpoint's fingerprint when the copy is that long, else the first bytes seen. (After
    /// a restart those bytes are gone; then following is all there is to go by.)
    func holdsOnlyLinesRead(_ copy: TailedFile, before: FileCheckpoint, seenHead: [UInt8]) throws(IngestError) -> Bool {
        guard copy.size > 0, copy.size <= before.offset else { return false }
        if before.fingerprintLength > 0 && copy.size >= Int64(before.fingerprintLength) {
            let head = try Posix.bytes(copy.descriptor, at: 0, count: before.fingerprintLength, path: copy.path)
            return ContentHash.fnv1a(head) == before.fingerprint
        }
        guard !seenHead.isEmpty else { return true }
        let bytes = try Posix.bytes(copy.descriptor, at: 0, count: Int(min(copy.size, Int64(seenHead.count))), path: copy.path)
        return seenHead.starts(with: bytes)
    }

    /// The number of line ends in the first `end` bytes of `file`.
    func lineEnds(in file: TailedFile, upTo end: Int64) throws(IngestError) -> Int {
        var count = 0
        var offset: Int64 = 0
        while offset < end {
            let chunk = try Posix.bytes(file.descriptor, at: offset, count: Int(min(end - offset, 1 << 20)), path: file.path)
            guard !chunk.isEmpty else { break }
            count += chunk.count { $0 == 0x0A }
            offset += Int64(chunk.count)
        }
        return count
    }

    /// The copy of a truncated file (copytruncate) with the reader moved to where the original
    /// was: a tracked file waiting as its copy, or else a file in the same folder whose name
    /// starts with the original's name up to its first dot (`predictions.jsonl.1`,
    /// `predictions.jsonl-20261122`, `predictions-20261122.jsonl`) and whose content matches.
    ///
    /// A copy is recognised by the bytes before the offset, or, when nothing had been handed out,
    /// by the first bytes only if they hold a whole line or are `fingerprintBytes` long (the
    /// first bytes of a line still being written are too short to tell files apart).
    func copy(of original: FileCheckpoint, excluding excluded: TailedFile, now: Duration) throws(IngestError) -> TailedFile? {
        func isCopy(_ candidate: TailedFile) throws(IngestError) -> Bool {
            if original.offset == 0 && original.fingerprintLength < configuration.fingerprintBytes {
                let head = try Posix.bytes(candidate.descriptor, at: 0, count: original.fingerprintLength, path: candidate.path)
                guard head.contains(0x0A) else { return false }
            }
            return try takeOver(candidate, from: original)
        }
        for candidate in files where candidate.role == .following(original.identity) {
            if try isCopy(candidate) {
                candidate.role = .reading
                return candidate
            }
        }
        let directory = StreamFiles.directory(of: original.path)
        let name = original.path.split(separator: "/").last ?? ""
        let stem = name.prefix { $0 != "." }
        guard !stem.isEmpty else { return nil }
        for entry in Posix.entries(of: directory) where entry.name.hasPrefix(stem) {
            let path = Posix.join(directory, entry.name)
            guard let info = Posix.status(path: path), Posix.isRegular(info), Int64(info.st_size) >= original.offset else { continue }
            let identity = FileIdentity(info)
            guard identity != original.identity, identity != excluded.identity, index(of: identity) == nil,
                  let (descriptor, status) = try? Posix.open(path, expected: identity) else { continue }
            let candidate = TailedFile(identity: identity, path: path, descriptor: descriptor, status: status,
                                       role: .reading, now: now)
            candidate.matchesPattern = false
            if try isCopy(candidate) {
                files.append(candidate)
                return candidate
            }
        }
        return nil
    }
}
