#pragma once

#include <QCoreApplication>
#include <QString>

// Whether card payment can be offered now: a carwash-server has published
// its health (process_health) within the last minute, by the database's
// clock. Its rows go when it signs off (a clean stop), and a stale row is
// one that fell silent (crashed, hung, the machine off). When unavailable,
// reason says why in words a person reads at the desk. Plain value.
struct CardPaymentAvailability
{
    Q_DECLARE_TR_FUNCTIONS(CardPaymentAvailability)
public:
    static constexpr int FreshForSeconds = 60;
    static inline const QString ServerProgram = QStringLiteral("carwash-server");

    bool available = false;
    QString reason; // empty when available
    // Seconds since the freshest carwash-server row was written; -1 without one.
    double silentSeconds = -1;

    // From the age of the freshest carwash-server row (-1: there is none).
    static CardPaymentAvailability fromAge(double ageSeconds);
};
