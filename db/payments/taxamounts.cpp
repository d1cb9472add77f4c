#include "db/payments/taxamounts.h"

namespace {

// numerator / denominator rounded half up, for numerator >= 0, denominator > 0.
qint64 roundHalfUp(qint64 numerator, qint64 denominator)
{
    return (2 * numerator + denominator) / (2 * denominator);
}

} // namespace

TaxAmounts TaxAmounts::compute(qint64 priceCents, int rateBasisPoints, bool pricesIncludeTax)
{
    const qint64 price = qMax<qint64>(0, priceCents);
    const qint64 rate = qMax(0, rateBasisPoints);
    TaxAmounts amounts;
    if (pricesIncludeTax) {
        amounts.totalCents = price;
        amounts.taxCents = roundHalfUp(price * rate, 10000 + rate);
        amounts.netCents = price - amounts.taxCents;
    } else {
        amounts.netCents = price;
        amounts.taxCents = roundHalfUp(price * rate, 10000);
        amounts.totalCents = price + amounts.taxCents;
    }
    return amounts;
}
