import Foundation

extension AccountHealth {
    /// The account's health history as a picture: each point by its day (UTC), on 0–100 with
    /// health's bands.
    public var chart: TrendChart {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let points = history.map { point in
            let day = calendar.dateComponents([.year, .month, .day], from: point.at)
            return TrendChart.Point(label: String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0), value: point.score)
        }
        return TrendChart(title: "Health of \(accountName)", points: points, range: 0...100, bands: TrendChart.healthBands)
    }
}
