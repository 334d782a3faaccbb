/// Concept-drift detectors, the retrain loop and alert sinks.
extension RuleValidator {
    /// A detector parameter: its default and valid range, as River 0.26 names them.
    struct Parameter: Sendable {
        enum Kind { case integer, number, boolean }
        var name: String
        var kind: Kind
        var defaultValue: Double
        var rangeText: String
        var isValid: @Sendable (Double) -> Bool
    }

    static func openUnit(_ name: String, _ value: Double) -> Parameter {
        Parameter(name: name, kind: .number, defaultValue: value, rangeText: "between 0 and 1 (exclusive)") { $0 > 0 && $0 < 1 }
    }
    static func halfOpenUnit(_ name: String, _ value: Double) -> Parameter {
        Parameter(name: name, kind: .number, defaultValue: value, rangeText: "greater than 0 and at most 1") { $0 > 0 && $0 <= 1 }
    }
    static func positive(_ name: String, _ value: Double) -> Parameter {
        Parameter(name: name, kind: .number, defaultValue: value, rangeText: "greater than 0") { $0 > 0 }
    }
    static func count(_ name: String, _ value: Int) -> Parameter {
        Parameter(name: name, kind: .integer, defaultValue: Double(value), rangeText: "of at least 1") { $0 >= 1 }
    }
    static func flag(_ name: String) -> Parameter {
        Parameter(name: name, kind: .boolean, defaultValue: 0, rangeText: "") { _ in true }
    }

    /// Every detector with its parameters and defaults (River 0.26 `drift` module; kswin's `seed` is ours).
    static let detectorParameters: [String: [Parameter]] = [
        "adwin": [openUnit("delta", 0.002), count("clock", 32), count("max_buckets", 5),
                  count("min_window_length", 5), count("grace_period", 10)],
        "ddm": [count("warm_start", 30), positive("warning_threshold", 2.0), positive("drift_threshold", 3.0)],
        "eddm": [count("warm_start", 30), halfOpenUnit("alpha", 0.95), halfOpenUnit("beta", 0.9)],
        "page_hinkley": [count("min_instances", 30),
                         Parameter(name: "delta", kind: .number, defaultValue: 0.005, rangeText: "at least 0") { $0 >= 0 },
                         positive("threshold", 50.0), halfOpenUnit("alpha", 1 - 0.0001)],
        "hddm_a": [openUnit("drift_confidence", 0.001), openUnit("warning_confidence", 0.005), flag("two_sided_test")],
        "hddm_w": [openUnit("drift_confidence", 0.001), openUnit("warning_confidence", 0.005),
                   halfOpenUnit("lambda_val", 0.05), flag("two_sided_test")],
        "kswin": [openUnit("alpha", 0.005), count("window_size", 100), count("stat_size", 30),
                  Parameter(name: "seed", kind: .integer, defaultValue: 42, rangeText: "of at least 0") { $0 >= 0 }],
    ]

    mutating func readDetectors(_ node: JSONNode) -> [MonitorRule.Detector]? {
        guard let elements = array(node, "concept_drift") else { return nil }
        var detectors: [MonitorRule.Detector] = []
        var names = Set<String>()
        let kinds = Self.detectorParameters.keys.sorted()
        for element in elements {
            guard case .object = element.value else {
                report(element.location, "a concept_drift detector must be an object, got \(element.typeDescription)")
                continue
            }
            guard let kindNode = element["detector"] else {
                report(element.location, "missing required key 'detector' in concept_drift detector")
                continue
            }
            guard let kind = choice(kindNode, "detector", among: kinds), let parameters = Self.detectorParameters[kind] else { continue }
            var allowed = ["detector", "name"] + parameters.map(\.name)
            if kind == "page_hinkley" { allowed.append("mode") }
            guard let map = members(of: element, "detector '\(kind)'", allowed: allowed) else { continue }
            var detector = MonitorRule.Detector(kind: kind, name: nil, parameters: [:])
            if let nameNode = map["name"], let name = string(nameNode, "name") {
                if !names.insert(name).inserted { report(nameNode.location, "detector name '\(name)' is used twice") }
                detector.name = name
            }
            for parameter in parameters {
                detector.parameters[parameter.name] = parameter.defaultValue
                guard let valueNode = map[parameter.name] else { continue }
                switch parameter.kind {
                case .integer:
                    if let value = integer(valueNode, parameter.name, in: 0...Int.max) {
                        if parameter.isValid(Double(value)) {
                            detector.parameters[parameter.name] = Double(value)
                        } else {
                            report(valueNode.location, "'\(parameter.name)' must be an integer \(parameter.rangeText), got \(value)")
                        }
                    }
                case .number:
                    if let value = number(valueNode, parameter.name, parameter.rangeText, parameter.isValid) {
                        detector.parameters[parameter.name] = value
                    }
                case .boolean:
                    if let value = bool(valueNode, parameter.name) { detector.parameters[parameter.name] = value ? 1 : 0 }
                }
            }
            if kind == "page_hinkley" {
                detector.mode = "both"
                if let modeNode = map["mode"], let mode = choice(modeNode, "mode", among: ["both", "up", "down"]) {
                    detector.mode = mode
                }
            }
            detectors.append(detector)
        }
        return detectors
    }

    mutating func readRetrain(_ node: JSONNode, task: MonitorRule.Task) -> MonitorRule.Retrain? {
        let context = "'retrain'"
        let keys = ["command", "max_attempts", "timeout", "metric", "min_improvement", "registry", "cooldown",
                    "promote_command", "data_records", "triggers", "min_drifted_features", "after_promotion"]
        guard let map = members(of: node, context, allowed: keys) else { return nil }
        let command = required("command", in: map, of: node, context).flatMap { stringArray($0, "command") }
        var metric: MonitorRule.PerformanceCheck.Metric?
        if let metricNode = required("metric", in: map, of: node, context),
           let name = choice(metricNode, "metric", among: MonitorRule.PerformanceCheck.Metric.allowed(for: task).map(\.rawValue)) {
            metric = MonitorRule.PerformanceCheck.Metric(rawValue: name)
        }
        var retrain = MonitorRule.Retrain(command: command ?? [], metric: metric ?? .rmse)
        if let n = map["max_attempts"], let v = integer(n, "max_attempts", in: 1...3) { retrain.maxAttempts = v }
        if let n = map["timeout"], let v = duration(n, "timeout") { retrain.timeout = v }
        if let n = map["min_improvement"], let v = number(n, "min_improvement", "at least 0", { $0 >= 0 && $0.isFinite }) { retrain.minImprovement = v }
        if let n = map["registry"], let v = string(n, "registry") { retrain.registry = v }
        if let n = map["cooldown"], let v = duration(n, "cooldown") { retrain.cooldown = v }
        if let n = map["promote_command"], let v = stringArray(n, "promote_command") { retrain.promoteCommand = v }
        if let n = map["data_records"], let v = integer(n, "data_records", in: 1...10_000_000) { retrain.dataRecords = v }
        if let n = map["after_promotion"], let v = choice(n, "after_promotion", among: MonitorRule.Retrain.AfterPromotion.allCases.map(\.rawValue)) {
            retrain.afterPromotion = MonitorRule.Retrain.AfterPromotion(rawValue: v) ?? .keep
        }
        if let n = map["min_drifted_features"], let v = integer(n, "min_drifted_features", in: 1...100_000) { retrain.minDriftedFeatures = v }
        if let n = map["triggers"], let elements = array(n, "triggers") {
            var triggers: [MonitorRule.Retrain.Trigger] = []
            for element in elements {
                guard let name = choice(element, "trigger", among: MonitorRule.Retrain.Trigger.allCases.map(\.rawValue)),
                      let trigger = MonitorRule.Retrain.Trigger(rawValue: name) else { continue }
                if triggers.contains(trigger) { report(element.location, "trigger '\(name)' is listed twice") } else { triggers.append(trigger) }
            }
            if elements.isEmpty { report(n.location, "'triggers' must name at least one alert kind") }
            retrain.triggers = triggers
        }
        guard command != nil, metric != nil else { return nil }
        return retrain
    }

    mutating func readAlerts(_ node: JSONNode) -> MonitorRule.Alerts {
        var alerts = MonitorRule.Alerts()
        guard let map = members(of: node, "'alerts'", allowed: ["journald", "webhooks", "repeat_interval", "stalled_after", "max_malformed_rate"]) else { return alerts }
        if let n = map["journald"], let v = bool(n, "journald") { alerts.journald = v }
        if let n = map["stalled_after"], let v = duration(n, "stalled_after") { alerts.stalledAfter = v }
        if let n = map["max_malformed_rate"], let v = number(n, "max_malformed_rate", "between 0 and 1", { $0 >= 0 && $0 <= 1 }) {
            alerts.maxMalformedRate = v
        }
        if let n = map["repeat_interval"], let v = duration(n, "repeat_interval") { alerts.repeatInterval = v }
        guard let hooksNode = map["webhooks"], let elements = array(hooksNode, "webhooks") else { return alerts }
        for element in elements {
            let context = "webhook"
            guard let hook = members(of: element, context, allowed: ["url", "format", "secret_file", "credential", "timeout", "retry_for", "send_resolved"]),
                  let urlNode = required("url", in: hook, of: element, context),
                  let url = string(urlNode, "url") else { continue }
            guard let host = Self.host(ofHTTPURL: url) else {
                report(urlNode.location, "'url' must be an http:// or https:// URL with a host, got \"\(url)\"")
                continue
            }
            var webhook = MonitorRule.Webhook(url: url)
            if let n = hook["format"], let v = choice(n, "format", among: MonitorRule.Webhook.Format.allCases.map(\.rawValue)) {
                webhook.format = MonitorRule.Webhook.Format(rawValue: v) ?? .generic
            }
            webhook.secretFile = hook["secret_file"].flatMap { string($0, "secret_file") }
            webhook.credential = hook["credential"].flatMap { string($0, "credential") }
            if let n = hook["timeout"], let v = duration(n, "timeout") { webhook.timeout = v }
            if let n = hook["retry_for"], let v = duration(n, "retry_for") { webhook.retryFor = v }
            if let n = hook["send_resolved"], let v = bool(n, "send_resolved") { webhook.sendResolved = v }
            if webhook.secretFile != nil && webhook.credential != nil, let n = hook["credential"] {
                report(n.location, "give either 'secret_file' or 'credential', not both")
            }
            if !Self.isLoopback(host: host) && webhook.secretFile == nil && webhook.credential == nil {
                report(urlNode.location, "webhook to non-loopback host '\(host)' needs a 'secret_file' or 'credential' to sign its requests")
            }
            alerts.webhooks.append(webhook)
        }
        return alerts
    }

    /// The host of an http(s) URL, without brackets for IPv6, lowercased; nil when not such a URL.
    static func host(ofHTTPURL url: String) -> String? {
        let lowered = url.lowercased()
        guard let schemeEnd = lowered.range(of: "://"),
              ["http", "https"].contains(String(lowered[..<schemeEnd.lowerBound])) else { return nil }
        var authority = lowered[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = authority[authority.index(after: authority.startIndex)..<close]
            return host.isEmpty ? nil : String(host)
        }
        let host = authority.prefix { $0 != ":" }
        return host.isEmpty ? nil : String(host)
    }

    /// Loopback as CONTRACT.md §2 defines it: 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
