// The chaos tests' clients (ChaosFixture): each attempt issued, answered and
// reissued with the same key as the product's clients retry.
#include "tests/chaosfixture.h"

#include "db/text/isotime.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/nohang.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

using TestWaits::kNoHangMs;

const char *ChaosFixture::clientName(Client c)
{
    switch (c) {
    case Client::Admin:
        return "carwash-admin";
    case Client::Server:
        return "carwash-server";
    case Client::Checkout:
        return "carwash-server paid online";
    case Client::Desk:
        return "desk pool";
    }
    return "?";
}

QDateTime ChaosFixture::randomStart()
{
    // Twenty days of 08:00-17:30 every 15 minutes on two lanes: most
    // attempts find a free lane, some race for one that is taken. (Ten filled
    // up when the faults ran long, and clients then met only "taken".)
    QRandomGenerator *r = QRandomGenerator::global();
    const QDate day = m_day.addDays(r->bounded(20));
    const int quarter = r->bounded(39);
    return at(QTime(8, 0).addSecs(quarter * 15 * 60).toString(QStringLiteral("HH:mm")), day);
}

ChaosFixture::Attempt ChaosFixture::next(Client client)
{
    Attempt a;
    a.client = client;
    a.key = QStringLiteral("chaos-%1-%2").arg(m_name).arg(++m_next);
    a.plate = QStringLiteral("CH%1").arg(m_next);
    a.start = randomStart();
    a.afterLastFault = m_faultsOver;
    ++m_attempted;
    return a;
}

QNetworkReply *ChaosFixture::post(const QString &path, const QJsonObject &body, const QString &idempotencyKey)
{
    QNetworkRequest request(QUrl(m_server.baseUrl() + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!idempotencyKey.isEmpty())
        request.setRawHeader("Idempotency-Key", idempotencyKey.toUtf8());
    request.setTransferTimeout(kNoHangMs);
    return m_http.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void ChaosFixture::issue(Attempt &a)
{
    ++a.tries;
    if (a.tries > 1)
        ++m_retries;
    a.running.start();
    switch (a.client) {
    case Client::Admin:
        a.process = AdminProcess::start(
            {QStringLiteral("book"), QStringLiteral("--service"), QString::number(m_f.wash), QStringLiteral("--start"),
             a.start.toTimeZone(m_zone).toString(QStringLiteral("yyyy-MM-ddTHH:mm")), QStringLiteral("--plate"), a.plate,
             QStringLiteral("--name"), QStringLiteral("Chaos Admin"), QStringLiteral("--idempotency-key"), a.key,
             QStringLiteral("--json")},
            m_adminEnv, nullptr);
        break;
    case Client::Server:
    case Client::Checkout:
        if (a.stage == Attempt::Stage::Checkout) {
            // The booking page's Pay button.
            a.reply = post(QStringLiteral("/api/bookings/%1/checkout").arg(a.code), {});
            break;
        }
        a.reply = post(QStringLiteral("/api/bookings"),
                       {{QStringLiteral("service"), m_f.wash},
                        {QStringLiteral("start"), IsoTime::format(a.start)},
                        {QStringLiteral("vehicle"), QStringLiteral("car")},
                        {QStringLiteral("plate"), a.plate},
                        {QStringLiteral("name"), QStringLiteral("Chaos Online")},
                        {QStringLiteral("email"), QStringLiteral("chaos@example.com")}},
                       a.key);
        break;
    case Client::Desk: {
        BookingRequest request;
        request.slot.serviceId = m_f.wash;
        request.start = a.start;
        request.plate = a.plate;
        request.name = QStringLiteral("Chaos Desk");
        request.actor = QStringLiteral("staff:1");
        request.idempotencyKey = a.key;
        a.job = m_desk->withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                  [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
        break;
    }
    }
}

void ChaosFixture::acknowledge(Attempt &a, const QString &code)
{
    m_acked.insert(a.key, code);
    if (a.afterLastFault)
        ++m_ackedAfterFaults[int(a.client)];
}

QPair<int, QByteArray> ChaosFixture::takeReply(Attempt &a)
{
    const int status = a.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = a.reply->readAll();
    a.reply->deleteLater();
    a.reply = nullptr;
    return {status, body};
}

bool ChaosFixture::settleCheckout(Attempt &a)
{
    if (!a.reply->isFinished())
        return false;
    const auto [status, body] = takeReply(a);
    if (status == 200) {
        // The customer pays on Stripe's page: the session's id ends its URL.
        const QString sessionId = QUrl(QJsonDocument::fromJson(body)[u"url"].toString()).path().section(u'/', -1);
        if (m_stripe.pay(sessionId)) {
            m_paidSessions.insert(sessionId, a.code);
        } else {
            ++m_unexpected;
            m_unexpectedWhat << QStringLiteral("%1 %2 not paid at Stripe: %3")
                                    .arg(QLatin1String(clientName(a.client)), a.code, m_stripe.lastError());
        }
        return true;
    }
    if (status == 409) { // the hold lapsed meanwhile: nothing to pay
        ++m_payRefused;
        return true;
    }
    if (status != 0 && status != 503) {
        ++m_unexpected;
        m_unexpectedWhat << QStringLiteral("%1 %2 checkout: HTTP %3: %4")
                                .arg(QLatin1String(clientName(a.client)), a.code)
                                .arg(status)
                                .arg(QString::fromUtf8(body));
        return true;
    }
    issue(a); // no answer, or "unavailable": Pay again
    return false;
}

bool ChaosFixture::settle(Attempt &a)
{
    if (a.stage == Attempt::Stage::Checkout)
        return settleCheckout(a);
    QString code;
    bool taken = false;
    QString unexpected;
    switch (a.client) {
    case Client::Admin: {
        if (a.process->state() != QProcess::NotRunning && a.running.elapsed() < kNoHangMs)
            return false;
        const AdminProcess::Run run = AdminProcess::finish(a.process, 1000);
        delete a.process;
        a.process = nullptr;
        if (run.exitCode == 0)
            code = run.json()[u"code"].toString();
        else if (run.exitCode == 3)
            taken = true;
        else if (run.exitCode != 4 && run.exitCode != 1)
            unexpected = QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.errText());
        break;
    }
    case Client::Server:
    case Client::Checkout: {
        if (!a.reply->isFinished())
            return false;
        const auto [status, body] = takeReply(a);
        if (status == 200 || status == 201)
            code = QJsonDocument::fromJson(body)[u"code"].toString();
        else if (status == 409)
            taken = true;
        else if (status != 0 && status != 503)
            unexpected = QStringLiteral("HTTP %1: %2").arg(status).arg(QString::fromUtf8(body));
        break;
    }
    case Client::Desk: {
        if (!a.job.isFinished())
            return false;
        const DbResult<BookingOutcome> outcome = a.job.result();
        if (outcome.ok() && outcome->isBooked())
            code = outcome->booking.code;
        else if (outcome.ok() && outcome->result == BookingOutcome::Result::SlotTaken)
            taken = true;
        else if (outcome.ok())
            unexpected = QStringLiteral("refused: %1").arg(outcome->error().message());
        break;
    }
    }
    if (!unexpected.isEmpty()) {
        // A wrong answer is kept to fail the test; the booking is not retried.
        ++m_unexpected;
        m_unexpectedWhat << QStringLiteral("%1 %2 %3").arg(QLatin1String(clientName(a.client)), a.key, unexpected);
        return true;
    }
    if (!code.isEmpty()) {
        acknowledge(a, code);
        if (a.client != Client::Checkout)
            return true;
        // Booked and held: on to pay it.
        a.code = code;
        a.stage = Attempt::Stage::Checkout;
        ++m_payAttempted;
        issue(a);
        return false;
    }
    if (taken) {
        ++m_taken;
        return true;
    }
    issue(a); // no answer, or "unavailable": the same key again
    return false;
}

void ChaosFixture::sampleConnections()
{
    if (m_sampled.isValid() && m_sampled.elapsed() < 500)
        return;
    m_sampled.start();
    m_maxServer = std::max(m_maxServer, m_cluster.countConnections(QStringLiteral("carwash-server")));
    m_maxDesk = std::max(m_maxDesk, m_cluster.countConnections(DeskName));
    m_maxAdmin = std::max(m_maxAdmin, m_cluster.countConnections(QStringLiteral("carwash-admin")));
    m_maxKiosk = std::max(m_maxKiosk, m_cluster.countConnections(KioskPoolName));
}

void ChaosFixture::pump(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QTest::qWait(20);
        for (qsizetype i = 0; i < m_inFlight.size(); ++i) {
            Attempt &a = m_inFlight[i];
            if (!settle(a))
                continue;
            if (m_faultsOver && a.afterLastFault && m_ackedAfterFaults[int(a.client)] >= 3) {
                m_inFlight.removeAt(i--);
                continue;
            }
            // The client's next booking in the same place in the workload.
            a = next(a.client);
            issue(a);
        }
        if (m_customers)
            m_customers->step();
        if (m_kioskPool)
            m_maxKioskOpen = std::max(m_maxKioskOpen, m_kioskPool->stats().total);
        if (m_cluster.isRunning())
            sampleConnections();
    }
}
