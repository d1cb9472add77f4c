#pragma once

#include <QtGlobal>

// The tax in a price, in whole cents. Rates are basis points (8.25 % = 825).
// - Prices include tax (the demo's setting, what menus in most of the world
//   show): the total is the price; tax = total × rate / (100 % + rate).
// - Prices exclude tax: tax = price × rate, added on top; the customer owes
//   price + tax, so the amount due and the cash taken include it.
// Either way the tax is rounded half up to the cent, and net + tax = total
// exactly. Pure, any thread.
struct TaxAmounts
{
    qint64 netCents = 0; // the total without tax
    qint64 taxCents = 0;
    qint64 totalCents = 0; // what the customer pays

    static TaxAmounts compute(qint64 priceCents, int rateBasisPoints, bool pricesIncludeTax);
};
