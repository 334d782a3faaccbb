import Glibc

extension Tailer {
    /// Hands out the complete lines of `file` from its offset, at most `limit`, and advances it.
    func read(_ file: TailedFile, limit: Int, _ handle: (TailedLine) -> Void) throws(IngestError) -> Int {
        var handed = 0
        while handed < limit {
            if file.skipping {
                if try skip(file, handle) { handed += 1 }
                if file.exhausted { break }
                continue
            }
            let count = try Posix.read(file.descriptor, into: &scratch, at: file.offset, path: file.path)
            let start = file.offset
            file.frontier = max(file.frontier, start + Int64(count))
            if count == 0 {
                file.exhausted = true
                break
            }
            var consumed = 0
            scratch.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                while handed < limit, consumed < count,
                      let newline = memchr(base + consumed, 0x0A, count - consumed) {
                    let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    file.lineNumber += 1
                    handle(.complete(UnsafeBufferPointer(start: base + consumed, count: end - consumed),
                                     path: file.path, lineNumber: file.lineNumber))
                    consumed = end + 1
                    handed += 1
                }
                if consumed > 0 { keepEdges(file, UnsafeBufferPointer(rebasing: buffer[..<consumed])) }
            }
            file.offset = start + Int64(consumed)
            if handed == limit { break }
            if count < scratch.count {
                file.exhausted = true  // a short read is the end of the file: what is left is an unterminated line
                break
            }
            if consumed == 0 {  // a full buffer without a line end
                if scratch.count < configuration.maximumLineLength {
                    scratch.append(contentsOf: repeatElement(0, count: min(scratch.count, configuration.maximumLineLength - scratch.count)))
                } else {
                    file.skipping = true
                    file.skippedTail = []
                    scratch.withUnsafeBufferPointer { keepSkippedEdges(file, $0) }
                }
            }
        }
        return handed
    }

    /// Reads on through a line too long to buffer (from `frontier`); true when its end was found
    /// and it was handed out as `.tooLong`. Sets `exhausted` at the end of the file.
    private func skip(_ file: TailedFile, _ handle: (TailedLine) -> Void) throws(IngestError) -> Bool {
        let count = try Posix.read(file.descriptor, into: &scratch, at: file.frontier, path: file.path)
        if count == 0 {
            file.exhausted = true
            return false
        }
        let newline: Int? = scratch.withUnsafeBufferPointer { buffer in
            memchr(buffer.baseAddress!, 0x0A, count).map { buffer.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        }
        guard let newline else {
            scratch.withUnsafeBufferPointer { keepSkippedEdges(file, UnsafeBufferPointer(rebasing: $0[..<count])) }
            file.frontier += Int64(count)
            if count < scratch.count { file.exhausted = true }
            return false
        }
        scratch.withUnsafeBufferPointer { keepSkippedEdges(file, UnsafeBufferPointer(rebasing: $0[...newline])) }
        let end = file.frontier + Int64(newline)
        file.lineNumber += 1
        handle(.tooLong(length: Int(end - file.offset), path: file.path, lineNumber: file.lineNumber))
        file.tail = file.skippedTail
        file.skippedTail = []
        file.offset = end + 1
        file.frontier = file.offset
        file.skipping = false
        return true
    }

    /// Updates `tail` with `bytes`, just consumed at the offset.
    private func keepEdges(_ file: TailedFile, _ bytes: UnsafeBufferPointer<UInt8>) {
        let limit = configuration.fingerprintBytes
        if bytes.count >= limit {
            file.tail = Array(bytes.suffix(limit))
        } else {
            file.tail += bytes
            if file.tail.count > limit { file.tail.removeFirst(file.tail.count - limit) }
        }
    }

    /// The same for the part of a long line skipped so far (applied when the line ends, since
    /// the offset stays at the line's start until then).
    private func keepSkippedEdges(_ file: TailedFile, _ bytes: UnsafeBufferPointer<UInt8>) {
        let limit = configuration.fingerprintBytes
        if bytes.count >= limit {
            file.skippedTail = Array(bytes.suffix(limit))
        } else {
            file.skippedTail += bytes
            if file.skippedTail.count > limit { file.skippedTail.removeFirst(file.skippedTail.count - limit) }
        }
    }
}
