#pragma once

#include <QLoggingCategory>

// carwash.payments: quiet by default (warnings); QT_LOGGING_RULES turns on
// the retries (info) and every request (debug). Never a secret or card data.
Q_DECLARE_LOGGING_CATEGORY(lcPayments)
