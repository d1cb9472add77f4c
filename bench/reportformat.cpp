#include "bench/reportformat.h"

#include "bench/rounds.h"

#include <QJsonArray>
#include <QLocale>
#include <QStringList>

#include <cmath>

namespace ReportFormat {

double rounded(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

QJsonValue rounded(const std::optional<double> &value, int decimals)
{
    return value ? QJsonValue(rounded(*value, decimals)) : QJsonValue();
}

QString number(double value, int decimals)
{
    return QLocale::c().toString(value, 'f', decimals);
}

QString grouped(double value, int decimals)
{
    QLocale locale = QLocale::c();
    locale.setNumberOptions(QLocale::DefaultNumberOptions); // thousands separators
    return locale.toString(value, 'f', decimals);
}

QString bytes(qint64 value, bool withSign)
{
    const QString sign = withSign && value > 0 ? QStringLiteral("+") : QString();
    if (std::llabs(value) >= 1024 * 1024)
        return sign + number(double(value) / (1024.0 * 1024.0), 2) + QStringLiteral(" MiB");
    if (std::llabs(value) >= 1024)
        return sign + number(double(value) / 1024.0, 1) + QStringLiteral(" KiB");
    return sign + QString::number(value) + QStringLiteral(" B");
}

QString verdict(bool met)
{
    return met ? QStringLiteral("met") : QStringLiteral("NOT met");
}

QString table(const QList<Row> &rows)
{
    auto cellsOf = [](const Row &row) {
        return QStringList {row.figure, row.pool, row.baseline, row.result, row.target, row.verdict};
    };
    QList<int> widths(6, 0);
    for (const Row &row : rows) {
        const QStringList cells = cellsOf(row);
        for (int i = 0; i < cells.size(); ++i)
            widths[i] = std::max(widths[i], int(cells[i].size()));
    }
    QString out;
    for (const Row &row : rows) {
        const QStringList cells = cellsOf(row);
        QString line;
        for (int i = 0; i < cells.size(); ++i)
            line += cells[i].leftJustified(widths[i] + 3);
        out += line.trimmed() + QLatin1Char('\n');
    }
    return out;
}

QString ratioText(const Rounds &rounds, int decimals)
{
    const std::optional<double> ratio = rounds.ratio();
    if (!ratio)
        return QStringLiteral("-");
    return QStringLiteral("%1 x (%2-%3 over %4 rounds)")
        .arg(number(*ratio, decimals), number(*rounds.minRatio(), decimals),
             number(*rounds.maxRatio(), decimals))
        .arg(rounds.size());
}

QJsonObject spread(const Rounds &rounds, const QString &poolKey, const QString &baselineKey, int decimals,
                   int ratioDecimals)
{
    QJsonArray ratios, pool, baseline;
    for (const std::optional<double> &r : rounds.ratios())
        ratios.append(rounded(r, ratioDecimals));
    for (const double p : rounds.pool())
        pool.append(rounded(p, decimals));
    for (const std::optional<double> &b : rounds.baseline())
        baseline.append(rounded(b, decimals));
    return QJsonObject {
        {QStringLiteral("min"), rounded(rounds.minRatio(), ratioDecimals)},
        {QStringLiteral("max"), rounded(rounds.maxRatio(), ratioDecimals)},
        {QStringLiteral("rounds"), ratios},
        {poolKey, pool},
        {baselineKey, baseline},
    };
}

} // namespace ReportFormat
