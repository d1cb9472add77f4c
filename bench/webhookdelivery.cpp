#include "bench/webhookdelivery.h"

#include "bench/httpconnection.h"
#include "bench/interruption.h"
#include "payments/webhooksignature.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

DeliveryStats &DeliveryStats::operator+=(const DeliveryStats &other)
{
    sent += other.sent;
    for (auto it = other.byStatus.begin(); it != other.byStatus.end(); ++it)
        byStatus[it.key()] += it.value();
    for (auto it = other.byResult.begin(); it != other.byResult.end(); ++it)
        byResult[it.key()] += it.value();
    failed += other.failed;
    if (firstError.isEmpty())
        firstError = other.firstError;
    latenciesMs += other.latenciesMs;
    reconnects += other.reconnects;
    seconds += other.seconds;
    return *this;
}

namespace {

// The "result" of the server's {"received": true, "result": "...", ...}.
QString resultOf(const QByteArray &body)
{
    const QString result = QJsonDocument::fromJson(body).object().value(QLatin1String("result")).toString();
    return result.isEmpty() ? QStringLiteral("(none)") : result;
}

} // namespace

namespace WebhookDelivery {

DeliveryStats run(quint16 port, const QString &secret, int connections, const QList<QByteArray> &bodies,
                  std::optional<std::chrono::milliseconds> duration)
{
    std::atomic<qsizetype> next {0};
    std::mutex mutex;
    DeliveryStats total;
    Clock::time_point deadline = Clock::time_point::max();
    std::latch go(connections + 1);
    std::vector<std::thread> threads;
    threads.reserve(size_t(connections));
    for (int i = 0; i < connections; ++i) {
        threads.emplace_back([&] {
            HttpConnection http(port);
            DeliveryStats mine;
            go.arrive_and_wait();
            for (;;) {
                if (Interruption::requested() || Clock::now() >= deadline)
                    break;
                const qsizetype index = next.fetch_add(1);
                if (index >= bodies.size())
                    break;
                const QByteArray &body = bodies[index];
                const Clock::time_point sent = Clock::now();
                const HttpConnection::Headers headers {
                    {"Content-Type", "application/json; charset=utf-8"},
                    {"Stripe-Signature",
                     WebhookSignature::sign(body, secret, QDateTime::currentSecsSinceEpoch())}};
                const HttpConnection::Response response
                    = http.request("POST", "/stripe/webhook", headers, body);
                const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
                ++mine.sent;
                ++mine.byStatus[response.status];
                if (response.status >= 200 && response.status < 300) {
                    ++mine.byResult[resultOf(response.body)];
                    mine.latenciesMs.append(ms);
                } else {
                    ++mine.failed;
                    if (mine.firstError.isEmpty())
                        mine.firstError = response.status == 0
                            ? QStringLiteral("no answer: %1").arg(response.error)
                            : QStringLiteral("HTTP %1: %2")
                                  .arg(response.status)
                                  .arg(QString::fromUtf8(response.body.left(300)));
                }
            }
            mine.reconnects = http.reconnects();
            std::lock_guard lock(mutex);
            total += mine;
        });
    }
    const Clock::time_point started = Clock::now();
    if (duration)
        deadline = started + *duration;
    go.arrive_and_wait();
    for (std::thread &t : threads)
        t.join();
    total.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return total;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype rank = qsizetype(std::ceil(p * double(values.size())));
    return values[std::clamp<qsizetype>(rank - 1, 0, values.size() - 1)];
}

} // namespace WebhookDelivery
