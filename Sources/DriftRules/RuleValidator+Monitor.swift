/// The rule file's structure (CONTRACT.md §2; every key is documented in docs/rules.md).
extension RuleValidator {
    static let topLevelKeys = ["$schema", "monitor", "task", "description", "predictions", "labels", "reference", "window",
                               "features", "prediction_drift", "performance", "concept_drift", "retrain", "alerts",
                               "correction", "dataset_drift", "data_quality"]

    mutating func readMonitor(_ root: JSONNode, sourcePath: String) -> MonitorRule? {
        guard let top = members(of: root, "the rule file", allowed: Self.topLevelKeys) else { return nil }
        let start = diagnostics.count

        var monitor: String?
        if let node = required("monitor", in: top, of: root, "the rule file"), let name = string(node, "monitor") {
            if Self.isValidMonitorName(name) {
                monitor = name
            } else {
                report(node.location, "'monitor' must start with a letter or digit and contain only letters, digits, '_', '.' and '-' (at most 128 characters), got \"\(name)\"")
            }
        }
        var task: MonitorRule.Task?
        if let node = required("task", in: top, of: root, "the rule file"),
           let text = choice(node, "task", among: MonitorRule.Task.allCases.map(\.rawValue)) {
            task = MonitorRule.Task(rawValue: text)
        }
        let description = top["description"].flatMap { string($0, "description", nonEmpty: false) }
        let predictions = required("predictions", in: top, of: root, "the rule file").flatMap { readPredictions($0) }
        let labels = top["labels"].flatMap { readLabels($0) }
        let reference = top["reference"].flatMap { readReference($0) }
        let window = required("window", in: top, of: root, "the rule file").flatMap { readWindow($0) }
        let quality = top["data_quality"].flatMap { readQuality($0) } ?? MonitorRule.QualityBounds()
        var features = top["features"].flatMap { readFeatures($0) } ?? []
        for i in features.indices { features[i].quality = features[i].quality.over(quality) }
        let predictionDrift = top["prediction_drift"].flatMap { readPredictionDrift($0, task: task) } ?? []
        let performance = task.flatMap { task in top["performance"].flatMap { readPerformance($0, task: task) } } ?? []
        let detectors = top["concept_drift"].flatMap { readDetectors($0) } ?? []
        let retrain = task.flatMap { task in top["retrain"].flatMap { readRetrain($0, task: task) } }
        let alerts = top["alerts"].map { readAlerts($0) } ?? MonitorRule.Alerts()

        var correction = MonitorRule.Correction.none
        if let node = top["correction"], let name = choice(node, "correction", among: MonitorRule.Correction.allCases.map(\.rawValue)) {
            correction = MonitorRule.Correction(rawValue: name) ?? .none
        }
        var datasetDriftShare: Double?
        if let node = top["dataset_drift"], let map = members(of: node, "'dataset_drift'", allowed: ["share"]),
           let shareNode = required("share", in: map, of: node, "'dataset_drift'") {
            datasetDriftShare = number(shareNode, "share", "greater than 0 and at most 1") { $0 > 0 && $0 <= 1 }
        }

        // Rules that tie sections together.

        let hasDataDrift = features.contains { !$0.drift.isEmpty } || !predictionDrift.isEmpty
        if hasDataDrift && top["reference"] == nil {
            report(root.location, "missing required key 'reference': data drift tests need reference data")
        }
        if top["labels"] == nil {
            if let node = top["performance"], !performance.isEmpty {
                report(node.location, "'performance' needs a 'labels' source")
            }
            if let node = top["concept_drift"], !detectors.isEmpty {
                report(node.location, "'concept_drift' needs a 'labels' source")
            }
        }
        if let node = top["retrain"], top["labels"] == nil, retrain != nil {
            report(node.location, "'retrain' needs a 'labels' source")
        }

        if case .time? = window, let node = autoThresholdNodes.first {
            report(node.location, "'threshold': \"auto\" needs a count window ('window': {'size': N}): the reference is cut into chunks of the window's size")
        }

        guard diagnostics.count == start, let monitor, let task, let predictions, let window else { return nil }
        var rule = MonitorRule(monitor: monitor, task: task, description: description, predictions: predictions,
                               labels: labels, reference: reference, window: window, features: features,
                               predictionDrift: predictionDrift, performance: performance, conceptDrift: detectors,
                               retrain: retrain, alerts: alerts, sourcePath: sourcePath)
        rule.correction = correction
        rule.datasetDriftShare = datasetDriftShare
        return rule
    }

    static func isValidMonitorName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 128 else { return false }
        func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
        }
        return isAlphanumeric(first) && name.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    mutating func readPredictions(_ node: JSONNode) -> MonitorRule.PredictionSource? {
        let context = "'predictions'"
        guard let map = members(of: node, context, allowed: ["path", "id", "timestamp", "features", "prediction", "score"]),
              let pathNode = required("path", in: map, of: node, context), let path = string(pathNode, "path") else { return nil }
        var source = MonitorRule.PredictionSource(path: path)
        if let n = map["id"], let v = string(n, "id") { source.idField = v }
        if let n = map["timestamp"], let v = string(n, "timestamp") { source.timestampField = v }
        if let n = map["features"], let v = string(n, "features") { source.featuresField = v }
        if let n = map["prediction"], let v = string(n, "prediction") { source.predictionField = v }
        if let n = map["score"], let v = string(n, "score") { source.scoreField = v }
        return source
    }

    mutating func readLabels(_ node: JSONNode) -> MonitorRule.LabelSource? {
        let context = "'labels'"
        guard let map = members(of: node, context, allowed: ["path", "id", "label", "max_delay"]),
              let pathNode = required("path", in: map, of: node, context), let path = string(pathNode, "path") else { return nil }
        var source = MonitorRule.LabelSource(path: path)
        if let n = map["id"], let v = string(n, "id") { source.idField = v }
        if let n = map["label"], let v = string(n, "label") { source.labelField = v }
        if let n = map["max_delay"], let v = duration(n, "max_delay") { source.maxDelay = v }
        return source
    }

    mutating func readReference(_ node: JSONNode) -> MonitorRule.Reference? {
        let context = "'reference'"
        guard let map = members(of: node, context, allowed: ["path", "first"]) else { return nil }
        switch (map["path"], map["first"]) {
        case (let path?, nil): return string(path, "path").map { .file(path: $0) }
        case (nil, let first?): return integer(first, "first", in: 1...Int.max).map { .first($0) }
        case (_?, _?):
            report(node.location, "'reference' takes either 'path' or 'first', not both")
        case (nil, nil):
            report(node.location, "'reference' needs 'path' (a reference file) or 'first' (the first N records)")
        }
        return nil
    }

    mutating func readWindow(_ node: JSONNode) -> MonitorRule.Window? {
        let context = "'window'"
        guard let map = members(of: node, context, allowed: ["size", "duration", "step"]) else { return nil }
        switch (map["size"], map["duration"]) {
        case (let sizeNode?, nil):
            guard let size = integer(sizeNode, "size", in: 1...Int.max) else { return nil }
            if let stepNode = map["step"] {
                return integer(stepNode, "step", in: 1...Int.max).map { .count(size: size, step: $0) }
            }
            return .count(size: size, step: size)
        case (nil, let durationNode?):
            guard let seconds = duration(durationNode, "duration") else { return nil }
            if let stepNode = map["step"] {
                return duration(stepNode, "step").map { .time(duration: seconds, step: $0) }
            }
            return .time(duration: seconds, step: seconds)
        case (_?, _?):
            report(node.location, "'window' takes either 'size' (records) or 'duration' (time), not both")
        case (nil, nil):
            report(node.location, "'window' needs 'size' (a number of records) or 'duration' (such as \"1h\")")
        }
        return nil
    }

    mutating func readFeatures(_ node: JSONNode) -> [MonitorRule.Feature]? {
        guard let list = orderedMembers(of: node, "'features'") else { return nil }
        var features: [MonitorRule.Feature] = []
        for member in list {
            let context = "feature '\(member.key)'"
            if member.key.isEmpty { report(member.keyLocation, "a feature name must not be empty") }
            guard let map = members(of: member.value, context, allowed: ["type", "drift", "data_quality"]),
                  let typeNode = required("type", in: map, of: member.value, context),
                  let typeText = choice(typeNode, "type", among: ["numerical", "categorical"]),
                  let type = MonitorRule.FeatureType(rawValue: typeText) else { continue }
            let tests = map["drift"].flatMap { readDriftTests($0, type: type, context: context, allowsField: false).map { $0.map(\.test) } } ?? []
            var feature = MonitorRule.Feature(name: member.key, type: type, drift: tests)
            if let node = map["data_quality"], let bounds = readQuality(node) {
                if bounds.unseenRate != nil && type == .numerical, let n = node["unseen_rate"] {
                    report(n.location, "'unseen_rate' applies to categorical features; use 'out_of_range_rate' for numbers")
                }
                if bounds.outOfRangeRate != nil && type == .categorical, let n = node["out_of_range_rate"] {
                    report(n.location, "'out_of_range_rate' applies to numerical features; use 'unseen_rate' for categories")
                }
                feature.quality = bounds
            }
            features.append(feature)
        }
        return features
    }

    mutating func readPredictionDrift(_ node: JSONNode, task: MonitorRule.Task?) -> [MonitorRule.PredictionDriftTest]? {
        let predictionType: MonitorRule.FeatureType = task?.isClassification == true ? .categorical : .numerical
        return readDriftTests(node, type: predictionType, context: "'prediction_drift'", allowsField: true)
    }

    /// Drift tests; with `allowsField`, a test on `score` is numerical whatever the prediction's type.
    mutating func readDriftTests(_ node: JSONNode, type: MonitorRule.FeatureType, context: String, allowsField: Bool) -> [MonitorRule.PredictionDriftTest]? {
        guard let elements = array(node, allowsField ? "prediction_drift" : "drift") else { return nil }
        var tests: [MonitorRule.PredictionDriftTest] = []
        var seen = Set<String>()
        let methods = MonitorRule.DriftTest.Method.allCases.map(\.rawValue)
        for element in elements {
            var allowed = ["method", "threshold", "p_value", "bins", "min_statistic"]
            if allowsField { allowed.append("field") }
            guard let map = members(of: element, "drift method", allowed: allowed),
                  let methodNode = required("method", in: map, of: element, "drift method"),
                  let name = choice(methodNode, "method", among: methods),
                  let method = MonitorRule.DriftTest.Method(rawValue: name) else { continue }
            var field = MonitorRule.PredictionField.prediction
            if let fieldNode = map["field"], let text = choice(fieldNode, "field", among: ["prediction", "score"]) {
                field = MonitorRule.PredictionField(rawValue: text) ?? .prediction
            }
            let columnType = field == .score ? .numerical : type
            if !seen.insert(name).inserted {
                report(methodNode.location, "method '\(name)' appears twice in \(context)")
            }
            guard method.applies(to: columnType) else {
                report(methodNode.location, "method '\(name)' does not apply to a \(columnType.rawValue) \(allowsField ? "prediction" : "feature")" +
                       (method == .chi2 ? "; use 'ks' or 'wasserstein' for numbers" : "; use 'chi2' for categories"))
                continue
            }
            var test = MonitorRule.DriftTest(method: method, threshold: method.defaultThreshold)
            if let node = map["threshold"], case .string(let text) = node.value, text == "auto" {
                test.automaticThreshold = true
                autoThresholdNodes.append(node)
                if map["p_value"] != nil, let p = map["p_value"] { report(p.location, "give either 'threshold' or 'p_value', not both") }
            } else if let t = readThreshold(map, method: method) {
                test.threshold = t
            }
            if let binsNode = map["bins"] {
                if (method == .psi || method == .jensenShannon) && columnType == .numerical {
                    if let bins = integer(binsNode, "bins", in: 2...1000) { test.bins = bins }
                } else {
                    report(map.keys.contains("bins") ? binsNode.location : element.location,
                           "'bins' applies only to 'psi' and 'jensen_shannon' on numerical values")
                }
            }
            if let node = map["min_statistic"] {
                if method.isPValueTest {
                    test.minStatistic = number(node, "min_statistic", "between 0 and 1") { (0...1).contains($0) }
                } else {
                    report(node.location, "'min_statistic' applies only to 'ks' (the KS statistic) and 'chi2' (Cramér's V); the other methods' threshold is their effect size")
                }
            }
            tests.append(MonitorRule.PredictionDriftTest(field: field, test: test))
        }
        return tests
    }

    mutating func readQuality(_ node: JSONNode) -> MonitorRule.QualityBounds? {
        guard let map = members(of: node, "'data_quality'", allowed: ["missing_rate", "unseen_rate", "out_of_range_rate"]) else { return nil }
        func rate(_ key: String) -> Double? {
            map[key].flatMap { number($0, key, "between 0 and 1", { (0...1).contains($0) }) }
        }
        return MonitorRule.QualityBounds(missingRate: rate("missing_rate"), unseenRate: rate("unseen_rate"), outOfRangeRate: rate("out_of_range_rate"))
    }

    mutating func readThreshold(_ map: [String: JSONNode], method: MonitorRule.DriftTest.Method) -> Double? {
        if let pNode = map["p_value"], !method.isPValueTest {
            report(pNode.location, "'p_value' applies only to 'ks' and 'chi2'; use 'threshold'")
            return nil
        }
        if let pNode = map["p_value"], map["threshold"] != nil {
            report(pNode.location, "give either 'threshold' or 'p_value', not both")
            return nil
        }
        guard let node = map["threshold"] ?? map["p_value"] else { return nil }
        let name = map["threshold"] != nil ? "threshold" : "p_value"
        if name == "threshold", case .string(let text) = node.value {
            report(node.location, "'threshold' must be a number or \"auto\", got \"\(text)\"" + Self.suggestion(for: text, among: ["auto"]))
            return nil
        }
        switch method {
        case .ks, .chi2: return number(node, name, "between 0 and 1 (exclusive)") { $0 > 0 && $0 < 1 }
        case .jensenShannon: return number(node, name, "greater than 0 and at most 1") { $0 > 0 && $0 <= 1 }
        case .psi, .wasserstein: return number(node, name, "greater than 0") { $0 > 0 }
        }
    }

    mutating func readPerformance(_ node: JSONNode, task: MonitorRule.Task) -> [MonitorRule.PerformanceCheck]? {
        guard let elements = array(node, "performance") else { return nil }
        let allowedMetrics = MonitorRule.PerformanceCheck.Metric.allowed(for: task).map(\.rawValue)
        var checks: [MonitorRule.PerformanceCheck] = []
        var seen = Set<String>()
        for element in elements {
            var keys = ["metric", "min", "max"]
            if task == .binaryClassification { keys.append("pos_label") }
            guard let map = members(of: element, "performance metric", allowed: keys),
                  let metricNode = required("metric", in: map, of: element, "performance metric") else { continue }
            guard let name = string(metricNode, "metric") else { continue }
            guard allowedMetrics.contains(name), let metric = MonitorRule.PerformanceCheck.Metric(rawValue: name) else {
                let all = MonitorRule.PerformanceCheck.Metric.allCases.map(\.rawValue)
                if all.contains(name) {
                    report(metricNode.location, "metric '\(name)' does not apply to task '\(task.rawValue)'; use one of \(allowedMetrics.joined(separator: ", "))")
                } else {
                    report(metricNode.location, "unknown metric '\(name)'; use one of \(allowedMetrics.joined(separator: ", "))" + Self.suggestion(for: name, among: allowedMetrics))
                }
                continue
            }
            if !seen.insert(name).inserted { report(metricNode.location, "metric '\(name)' appears twice in 'performance'") }
            var check = MonitorRule.PerformanceCheck(metric: metric)
            check.min = map["min"].flatMap { number($0, "min", "a finite number") { $0.isFinite } }
            check.max = map["max"].flatMap { number($0, "max", "a finite number") { $0.isFinite } }
            if let low = check.min, let high = check.max, low > high, let node = map["min"],
               case .number(_, let lowText) = node.value, case .number(_, let highText)? = map["max"]?.value {
                report(node.location, "'min' \(lowText) is greater than 'max' \(highText)")
            }
            if let labelNode = map["pos_label"] {
                switch labelNode.value {
                case .string(let text): check.positiveLabel = text
                case .number(let value, _): check.positiveLabel = ClassValue.canonical(number: value)
                case .bool(let value): check.positiveLabel = ClassValue.canonical(bool: value, asClass: true)
                default: report(labelNode.location, "'pos_label' must be a string, a number or a boolean, got \(labelNode.typeDescription)")
                }
            }
            checks.append(check)
        }
        return checks
    }
}
