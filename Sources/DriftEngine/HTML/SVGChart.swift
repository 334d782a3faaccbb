/// Inline SVG pictures for the HTML report: a timeline of one value per window with its bounds, and a
/// reference-vs-window histogram. Plain strings, no script, no external asset.
enum SVGChart {
    /// A point of a timeline: the window, its value (nil: none) and whether it breached.
    struct Point {
        var window: Int
        var value: Double?
        var breached: Bool
    }

    /// A vertical marker at a window (an alert, a detection, a retrain episode).
    struct Marker {
        var window: Int
        var label: String
        var color: String
    }

    static let width = 640.0
    static let height = 170.0
    static let margin = (left: 54.0, right: 12.0, top: 12.0, bottom: 26.0)

    /// One value per window, bound lines dashed, breaching points red, markers as vertical lines.
    static func timeline(_ points: [Point], bounds: [(value: Double, label: String)], markers: [Marker], windows: ClosedRange<Int>,
                         attributes: String) -> String {
        let values = points.compactMap(\.value).filter(\.isFinite) + bounds.map(\.value).filter(\.isFinite)
        var low = min(0, values.min() ?? 0)
        var high = values.max() ?? 1
        if high <= low { high = low + 1 }
        let pad = (high - low) * 0.08
        high += pad
        if low < 0 { low -= pad }
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let span = Double(max(1, windows.upperBound - windows.lowerBound))
        func x(_ window: Int) -> Double { margin.left + plotWidth * Double(window - windows.lowerBound) / span }
        func y(_ value: Double) -> Double { margin.top + plotHeight * (1 - (value - low) / (high - low)) }
        var svg = "<svg \(attributes) viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\">"
        svg += "<rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"#fafafa\" stroke=\"#ccc\"/>"
        for tick in [low, (low + high) / 2, high] {
            svg += "<text x=\"\(f(margin.left - 4))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" class=\"tick\">\(HTMLText.escape(AlertRaiser.format(tick)))</text>"
        }
        let step = max(1, Int(span) / 10)
        for window in stride(from: windows.lowerBound, through: windows.upperBound, by: step) {
            svg += "<text x=\"\(f(x(window)))\" y=\"\(f(height - 8))\" text-anchor=\"middle\" class=\"tick\">\(window)</text>"
        }
        for marker in markers where windows.contains(marker.window) {
            svg += "<line class=\"marker\" x1=\"\(f(x(marker.window)))\" x2=\"\(f(x(marker.window)))\" y1=\"\(f(margin.top))\" y2=\"\(f(margin.top + plotHeight))\" stroke=\"\(marker.color)\" stroke-width=\"2\" opacity=\"0.55\"><title>\(HTMLText.escape(marker.label))</title></line>"
        }
        for bound in bounds where bound.value.isFinite {
            svg += "<line class=\"bound\" x1=\"\(f(margin.left))\" x2=\"\(f(margin.left + plotWidth))\" y1=\"\(f(y(bound.value)))\" y2=\"\(f(y(bound.value)))\" stroke=\"#d9480f\" stroke-dasharray=\"6 4\"><title>\(HTMLText.escape(bound.label))</title></line>"
        }
        let path = points.compactMap { point in point.value.flatMap { $0.isFinite ? "\(f(x(point.window))),\(f(y($0)))" : nil } }
        if path.count > 1 {
            svg += "<polyline fill=\"none\" stroke=\"#1c7ed6\" stroke-width=\"2\" points=\"\(path.joined(separator: " "))\"/>"
        }
        for point in points {
            guard let value = point.value, value.isFinite else { continue }
            svg += "<circle class=\"\(point.breached ? "point breached" : "point")\" cx=\"\(f(x(point.window)))\" cy=\"\(f(y(value)))\" r=\"\(point.breached ? 4.5 : 3)\" fill=\"\(point.breached ? "#e03131" : "#1c7ed6")\"><title>window \(point.window): \(HTMLText.escape(AlertRaiser.format(value)))</title></circle>"
        }
        return svg + "</svg>"
    }

    /// Reference and window shares side by side per bin.
    static func histogram(_ profile: FeatureProfile, attributes: String) -> String {
        let plotHeight = height - margin.top - 46
        let plotWidth = width - margin.left - margin.right
        let top = max(profile.reference.max() ?? 0, profile.current.max() ?? 0, 1e-9)
        let slot = plotWidth / Double(max(1, profile.bins.count))
        let bar = slot * 0.38
        var svg = "<svg \(attributes) viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\">"
        svg += "<rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"#fafafa\" stroke=\"#ccc\"/>"
        svg += "<text x=\"\(f(margin.left - 4))\" y=\"\(f(margin.top + 10))\" text-anchor=\"end\" class=\"tick\">\(Int((top * 100).rounded()))%</text>"
        for (i, label) in profile.bins.enumerated() {
            let x0 = margin.left + slot * Double(i) + slot * 0.1
            for (offset, share, color, name) in [(0.0, profile.reference[i], "#868e96", "reference"), (bar, profile.current[i], "#1c7ed6", "window \(profile.window)")] {
                let h = plotHeight * share / top
                svg += "<rect class=\"bar\" x=\"\(f(x0 + offset))\" y=\"\(f(margin.top + plotHeight - h))\" width=\"\(f(bar))\" height=\"\(f(h))\" fill=\"\(color)\"><title>\(HTMLText.escape("\(label): \(name) \(AlertRaiser.format(share * 100))%"))</title></rect>"
            }
            let shown = label.count > 12 ? String(label.prefix(11)) + "…" : label
            svg += "<text x=\"\(f(x0 + bar))\" y=\"\(f(margin.top + plotHeight + 14))\" text-anchor=\"middle\" class=\"tick\" transform=\"rotate(20 \(f(x0 + bar)) \(f(margin.top + plotHeight + 14)))\">\(HTMLText.escape(shown))</text>"
        }
        return svg + "</svg>"
    }

    /// A coordinate to a tenth of a pixel.
    private static func f(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
    }
}

/// Escaping for HTML text and attribute values.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
