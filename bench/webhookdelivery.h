#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <chrono>
#include <optional>

// What a set of deliveries did, counted by the client.
struct DeliveryStats
{
    qint64 sent = 0;
    QMap<int, qint64> byStatus; // HTTP status → count; 0: no answer
    QMap<QString, qint64> byResult; // the server's "result" of each 2xx: applied, duplicate, unchanged, ...
    qint64 failed = 0; // non-2xx or no answer
    QString firstError;
    QList<double> latenciesMs; // send → complete 2xx answer, each delivery that got one
    int reconnects = 0;
    double seconds = 0;

    qint64 result(const QString &name) const { return byResult.value(name); }
    DeliveryStats &operator+=(const DeliveryStats &other);
};

// Stripe's side of the webhook benchmark: `connections` threads, each with
// one kept-alive connection, POSTing prepared event bodies to
// /stripe/webhook, each signed as Stripe signs it (WebhookSignature::sign,
// the time of sending) just before it goes. Closed loop: exactly that many
// deliveries in flight. Takes bodies[0], [1], ... in order until none is
// left, the deadline passes, or Ctrl-C.
namespace WebhookDelivery {

DeliveryStats run(quint16 port, const QString &secret, int connections, const QList<QByteArray> &bodies,
                  std::optional<std::chrono::milliseconds> duration);

// Nearest rank: the smallest sample with at least p of them at or below it; 0 for none.
double percentile(QList<double> values, double p);

} // namespace WebhookDelivery
