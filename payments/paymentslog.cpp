#include "payments/paymentslog_p.h"

Q_LOGGING_CATEGORY(lcPayments, "carwash.payments", QtWarningMsg)
