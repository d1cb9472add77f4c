#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

class Rounds;

// The pieces every report is made of: numbers as the reports write them, the
// table people read, and a comparison's spread as JSON.
namespace ReportFormat {

double rounded(double value, int decimals);
QJsonValue rounded(const std::optional<double> &value, int decimals); // null when empty
QString number(double value, int decimals);
QString grouped(double value, int decimals); // with thousands separators
QString bytes(qint64 value, bool withSign = false);
QString verdict(bool met);

// One line of a report's table; the first row is the heading.
struct Row
{
    QString figure, pool, baseline, result, target, verdict;
};
// The rows in aligned columns, one line each.
QString table(const QList<Row> &rows);

// "0.930 x (0.830-0.950 over 5 rounds)", or "-" without a ratio.
QString ratioText(const Rounds &rounds, int decimals);
// {"min", "max", "rounds": [each round's ratio], poolKey: [...], baselineKey: [...]}: rates with
// decimals, ratios with ratioDecimals (as the figure's median is, so it is one of the rounds').
QJsonObject spread(const Rounds &rounds, const QString &poolKey, const QString &baselineKey, int decimals,
                   int ratioDecimals = 3);

} // namespace ReportFormat
