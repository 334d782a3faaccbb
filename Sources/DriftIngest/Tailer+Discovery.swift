import DriftEngine
import Glibc

extension Tailer {
    /// Brings the known files up to date with the folder: new files, renames, deletions,
    /// truncations. Runs at the start of every poll.
    func refresh(now: Duration, deferredError: inout IngestError?) throws(IngestError) {
        if let checkpoints = pendingCheckpoints {
            try restore(checkpoints, now: now)
            pendingCheckpoints = nil
        }

        // Which known files the pattern still matches (and under which name), which files are new.
        var matched: [FileIdentity: String] = [:]
        var newcomers: [(path: String, identity: FileIdentity)] = []
        for path in StreamFiles.resolve(pattern) {
            guard let info = Posix.status(path: path), Posix.isRegular(info) else { continue }
            let identity = FileIdentity(info)
            guard matched[identity] == nil else { continue }  // a second hard link
            matched[identity] = path
            if index(of: identity) == nil { newcomers.append((path, identity)) }
        }
        for file in files {
            if let path = matched[file.identity] {
                file.path = path
                file.matchesPattern = true
            } else if file.matchesPattern {
                file.matchesPattern = false
                file.lastChange = now  // rotateWait counts from the rotation
                if let path = newName(of: file) { file.path = path }
            }
        }
        for newcomer in newcomers {
            do {
                guard let (descriptor, info) = try Posix.open(newcomer.path, expected: newcomer.identity) else { continue }
                let file = TailedFile(identity: newcomer.identity, path: newcomer.path, descriptor: descriptor,
                                      status: info, role: .undecided, now: now)
                files.append(file)
            } catch {
                if deferredError == nil { deferredError = error }
            }
        }

        // Sizes and links, from the open descriptors (a renamed or deleted file is still readable).
        // A change of modification time counts too: a file truncated and written back to the same
        // size between two polls has the same size.
        var changed: Set<ObjectIdentifier> = []
        var shrunk: Set<ObjectIdentifier> = []
        for file in files {
            let info = try Posix.status(descriptor: file.descriptor, path: file.path)
            let size = Int64(info.st_size)
            file.deleted = info.st_nlink == 0
            if size != file.size || info.st_mtim.tv_sec != file.modified.tv_sec || info.st_mtim.tv_nsec != file.modified.tv_nsec {
                changed.insert(ObjectIdentifier(file))
                if size < file.size { shrunk.insert(ObjectIdentifier(file)) }
                if size != file.size { file.lastChange = now }
                file.size = size
                file.modified = info.st_mtim
            }
        }

        // New files first decide whether they are copies of a known file: a copy seen before its
        // original's truncation must not be read from 0 (its lines are being read in the original).
        for file in files where file.role == .undecided {
            try classify(file)
        }

        for file in files where file.role == .reading {
            // Shorter than what was read, or than it was (a file of which nothing was read yet, truncated:
            // its new lines must come after those of its copy).
            if file.size < file.frontier || shrunk.contains(ObjectIdentifier(file)) {
                try restartTruncated(file, before: file.checkpoint, kind: .truncated, now: now,
                                     "the file is \(file.size) bytes, shorter than before (\(max(file.frontier, file.offset)) bytes read): reading it again from 0")
            } else if changed.contains(ObjectIdentifier(file)), try hasBeenRewritten(file) {
                try restartTruncated(file, before: file.checkpoint, kind: .rewritten, now: now,
                                     "the bytes before offset \(file.offset) changed (truncated and written again since the last poll): reading it again from 0")
            } else if file.size > file.frontier {
                file.exhausted = false
            }
        }
        // Copies a truncation set loose that hold unread lines are decided now, so that their lines
        // come before those written into the truncated file.
        for file in files where file.role == .undecided {
            try classify(file)
        }
        // Keep the first bytes of every file being read, whether or not its lines were handed out:
        // they identify its copy if it is copytruncated before anything is handed out (a poll
        // whose limit went to other files). Only extended: bytes that no longer begin with what
        // was seen mean a truncation, which the next poll detects with the old bytes.
        for file in files where file.role == .reading && file.head.count < configuration.fingerprintBytes
            && file.size > Int64(file.head.count) {
            let head = try Posix.bytes(file.descriptor, at: 0, count: Int(min(file.size, Int64(configuration.fingerprintBytes))),
                                       path: file.path)
            if head.count > file.head.count && head.starts(with: file.head) { file.head = head }
        }
        placeUnstartedFiles()
    }

    /// Files of which nothing has been handed out yet (new ones, truncated ones) go after every
    /// other, among themselves by modification time, at every poll: when a writer's file is
    /// truncated, its copy, the file itself and a file created by a later rotation can all be new
    /// at once, and only their times say which holds the older lines. Equal times (a clock tick is
    /// a few milliseconds) keep the order they had: a copy found for a truncated file was put
    /// before it. (A file with no line handed out has no position to keep, so moving it loses and
    /// repeats nothing.)
    func placeUnstartedFiles() {
        func isUnstarted(_ file: TailedFile) -> Bool { file.role == .reading && file.offset == 0 && !file.skipping }
        let unstarted = files.enumerated().filter { isUnstarted($0.element) }
        guard !unstarted.isEmpty else { return }
        files.removeAll(where: isUnstarted)
        files += unstarted.sorted { a, b in
            let (x, y) = (a.element.modified, b.element.modified)
            if x.tv_sec != y.tv_sec { return x.tv_sec < y.tv_sec }
            if x.tv_nsec != y.tv_nsec { return x.tv_nsec < y.tv_nsec }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Decides what a new file is: a copy of a known file (it begins with that file's first
    /// complete lines, or its first `fingerprintBytes` bytes), still undecided (its bytes so far are a prefix of those lines, or it is
    /// empty), or a new file to read from 0.
    func classify(_ file: TailedFile) throws(IngestError) {
        guard file.size > 0 else { return }
        let head = try Posix.bytes(file.descriptor, at: 0, count: Int(min(file.size, Int64(configuration.fingerprintBytes))),
                                   path: file.path)
        var mayBeCopy = false
        for other in files where other !== file && other.role == .reading {
            let lines = other.identifyingHead(fingerprintBytes: configuration.fingerprintBytes)
            guard !lines.isEmpty else { continue }
            if head.count >= lines.count {
                if head.starts(with: lines) {
                    file.role = .following(other.identity)
                    return
                }
            } else if lines.starts(with: head) {
                mayBeCopy = true
            }
        }
        if !mayBeCopy { file.role = .reading }
    }

    /// True when the file grew but its first bytes or the bytes before the offset are no longer
    /// those that were read: truncated, then written past the old offset between two polls.
    func hasBeenRewritten(_ file: TailedFile) throws(IngestError) -> Bool {
        if !file.head.isEmpty,
           try Posix.bytes(file.descriptor, at: 0, count: file.head.count, path: file.path) != file.head {
            return true
        }
        if !file.tail.isEmpty,
           try Posix.bytes(file.descriptor, at: file.offset - Int64(file.tail.count), count: file.tail.count,
                           path: file.path) != file.tail {
            return true
        }
        return false
    }

    /// The name a file that left the pattern has now in its folder (rotated), if it has one there.
    func newName(of file: TailedFile) -> String? {
        let directory = StreamFiles.directory(of: file.path)
        for entry in Posix.entries(of: directory) where entry.inode == file.identity.inode {
            let path = Posix.join(directory, entry.name)
            if let info = Posix.status(path: path), FileIdentity(info) == file.identity { return path }
        }
        return nil
    }

    /// After the reads of a poll: closes files that are done with (deleted or rotated away, and
    /// read to their end) and notes which files are caught up.
    func settle(now: Duration) {
        if scratch.count > configuration.readSize {
            scratch = [UInt8](repeating: 0, count: configuration.readSize)
        }
        var index = 0
        while index < files.count {
            let file = files[index]
            if file.exhausted { file.caughtUpAt = now }
            if isDone(file, now: now) {
                files.remove(at: index)
                release(file, now: now)
            } else {
                index += 1
            }
        }
    }

    private func isDone(_ file: TailedFile, now: Duration) -> Bool {
        if file.matchesPattern && !file.deleted { return false }
        let idle = now - file.lastChange >= configuration.rotateWait
        switch file.role {
        case .reading: return file.exhausted && (file.deleted || idle)
        case .following, .undecided: return file.deleted || idle
        }
    }

    /// Forgets a file (its descriptor closes with it). A copy waiting for it takes over its offset.
    private func release(_ file: TailedFile, now: Duration) {
        if file.role == .reading && file.frontier > file.offset {
            notice(.droppedUnterminatedLine, file, offset: file.offset,
                   "closed with \(file.frontier - file.offset) bytes of an unterminated last line (never handed out)")
        }
        let before = file.checkpoint
        for copy in files where copy.role == .following(file.identity) {
            copy.role = .undecided
            if file.role == .reading, (try? takeOver(copy, from: before)) == true {
                copy.role = .reading
            }
        }
    }
}
