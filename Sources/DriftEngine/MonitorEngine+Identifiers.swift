extension MonitorEngine {
    /// The id of a prediction line, without feeding it to the engine (nil when the line is malformed).
    ///
    /// The daemon holds a prediction until its label is known (or `labels.max_delay` passes): that is
    /// what makes its results equal `replay`'s, which reads every label first. Uses a parser of its
    /// own with throwaway category dictionaries, so the engine's category order is untouched.
    public func predictionID(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        identifierParser.parsePrediction(line) == nil ? identifierParser.parsedID : nil
    }
}
