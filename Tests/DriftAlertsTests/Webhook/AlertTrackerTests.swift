import Foundation
import Testing
@testable import DriftAlerts
@testable import DriftEngine

/// Repeat suppression and resolution, driven with a manual clock.
struct AlertTrackerTests {
    static func drift(window: Int, feature: String = "trip_distance") -> Alert {
        var alert = SampleAlerts.dataDrift()
        alert.window = window
        alert.feature = feature
        return alert
    }

    @Test func withoutRepeatIntervalEveryAlertIsPosted() {
        var tracker = AlertTracker(repeatInterval: nil)
        let first = tracker.observe(alerts: [Self.drift(window: 1)], windows: [1], now: 0)
        let second = tracker.observe(alerts: [Self.drift(window: 2)], windows: [2], now: 10)
        #expect(first.notifications.map(\.status) == [.firing])
        #expect(second.notifications.map(\.status) == [.firing])
        #expect(second.notifications[0].startsAt == 0, "still the same firing condition")
        #expect(first.notifications[0].id != second.notifications[0].id)
        #expect(tracker.firingCount == 1)
    }

    @Test func persistingAlertIsNotPostedAgainBeforeRepeatInterval() {
        var tracker = AlertTracker(repeatInterval: 3600)
        #expect(tracker.observe(alerts: [Self.drift(window: 1)], windows: [1], now: 0).notifications.count == 1)
        let soon = tracker.observe(alerts: [Self.drift(window: 2)], windows: [2], now: 1800)
        #expect(soon.notifications.isEmpty)
        #expect(soon.suppressed == 1)
        let later = tracker.observe(alerts: [Self.drift(window: 3)], windows: [3], now: 3600)
        #expect(later.notifications.map(\.status) == [.firing])
        #expect(later.alertIndexes == [0])
    }

    @Test func alertResolvesWhenALaterWindowPassesWithoutIt() {
        var tracker = AlertTracker(repeatInterval: nil)
        _ = tracker.observe(alerts: [Self.drift(window: 1), Self.drift(window: 1, feature: "fare")], windows: [1], now: 0)
        let next = tracker.observe(alerts: [Self.drift(window: 2)], windows: [2], now: 60)
        #expect(next.notifications.map(\.status) == [.firing, .resolved])
        #expect(next.notifications[1].alert.feature == "fare")
        #expect(next.notifications[1].at == 60)
        #expect(next.alertIndexes == [0, nil])
        #expect(tracker.firingCount == 1)
        // A step without windows resolves nothing.
        #expect(tracker.observe(alerts: [], windows: [], now: 70).notifications.isEmpty)
        let clean = tracker.observe(alerts: [], windows: [3], now: 120)
        #expect(clean.notifications.map(\.status) == [.resolved])
        #expect(tracker.firingCount == 0)
    }

    @Test func alertClearedByALaterWindowOfTheSameStepResolvesInThatStep() {
        var tracker = AlertTracker(repeatInterval: nil)
        let step = tracker.observe(alerts: [Self.drift(window: 4)], windows: [4, 5], now: 0)
        #expect(step.notifications.map(\.status) == [.firing, .resolved])
    }

    @Test func windowsOfOneStepAreTakenInOrder() {
        var tracker = AlertTracker(repeatInterval: nil)
        let step = tracker.observe(alerts: [Self.drift(window: 0), Self.drift(window: 2)], windows: [0, 1, 2], now: 0)
        #expect(step.notifications.map(\.status) == [.firing, .resolved, .firing])
        #expect(step.notifications.map(\.alert.window) == [0, 0, 2])
        #expect(step.alertIndexes == [0, nil, 1])
        #expect(Set(step.notifications.map(\.id)).count == 3)
    }

    @Test func alertWithoutWindowResolvesAtAWindowOfALaterStep() {
        var tracker = AlertTracker(repeatInterval: nil)
        let concept = SampleAlerts.conceptDrift()
        let raised = tracker.observe(alerts: [concept], windows: [7], now: 0)
        #expect(raised.notifications.map(\.status) == [.firing], "raised with a window in the same step: stays firing")
        let later = tracker.observe(alerts: [], windows: [8], now: 10)
        #expect(later.notifications.map(\.status) == [.resolved])
    }

    @Test func idsAreTheSameWhenAStepIsDoneAgainFromTheSameState() {
        var tracker = AlertTracker(repeatInterval: nil)
        _ = tracker.observe(alerts: [Self.drift(window: 1)], windows: [1], now: 0)
        var redo = tracker
        let once = tracker.observe(alerts: [Self.drift(window: 2)], windows: [2], now: 5)
        let again = redo.observe(alerts: [Self.drift(window: 2)], windows: [2], now: 9)
        #expect(once.notifications.map(\.id) == again.notifications.map(\.id))
        #expect(once.notifications[0].id.count == 16)
    }

    @Test func entriesRoundTripThroughCodable() throws {
        var tracker = AlertTracker(repeatInterval: 60)
        let outcome = tracker.observe(alerts: [Self.drift(window: 1)], windows: [1], now: 0)
        let fingerprint = try #require(outcome.changed.first)
        let entry = try #require(tracker.entries[fingerprint])
        let data = try JSONEncoder().encode(entry)
        #expect(try JSONDecoder().decode(AlertTracker.Entry.self, from: data) == entry)
    }
}
