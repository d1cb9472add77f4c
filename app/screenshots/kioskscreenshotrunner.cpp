#include "app/screenshots/kioskscreenshotrunner.h"

#include "app/desk/deskapplication.h"
#include "tests/harness/kioskdriver.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/common/idlewatcher.h"
#include "ui/kiosk/donescreen.h"
#include "ui/kiosk/kioskidleoverlay.h"
#include "ui/kiosk/onscreenkeyboard.h"
#include "ui/kiosk/payscreen.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QScreen>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <cstdio>

namespace {

constexpr int StepMs = 30000;

} // namespace

KioskScreenshotRunner::KioskScreenshotRunner(DeskApplication &desk, Request request, QObject *parent)
    : QObject(parent)
    , m_desk(desk)
    , m_request(std::move(request))
    , m_network(new QNetworkAccessManager(this))
{
    if (m_request.show.isEmpty())
        m_request.show = QStringLiteral("attract");
    // Driven from the event loop once the kiosk is up (or has failed to start).
    connect(&m_desk, &DeskApplication::ready, this,
            [this] { QTimer::singleShot(0, this, &KioskScreenshotRunner::drive); });
    connect(&m_desk, &DeskApplication::failed, this, [this](const QString &message) {
        if (m_request.show == u"out-of-service")
            QTimer::singleShot(0, this, &KioskScreenshotRunner::drive);
        else
            finish(1, QStringLiteral("start-up failed: ") + message);
    });
    QTimer::singleShot(m_request.timeoutMs, this, [this] { finish(1, QStringLiteral("timed out")); });
}

KioskScreenshotRunner::~KioskScreenshotRunner() = default;

void KioskScreenshotRunner::drive()
{
    if (m_started || m_finished)
        return;
    m_started = true;
    KioskWindow *window = m_desk.kioskWindow();
    if (!window) {
        finish(1, QStringLiteral("no kiosk window"));
        return;
    }
    KioskWindow &kiosk = *window;
    // Full screen is the window manager's to grant, and Xvfb runs none: the
    // screen's whole size, as full screen gives it on the kiosk's panel.
    kiosk.setGeometry(kiosk.QWidget::screen()->geometry());
    KioskDriver driver;
    const QString show = m_request.show;
    auto failed = [&] { finish(1, driver.failure()); };
    if (show == u"out-of-service") {
        if (!driver.waitForScreen(kiosk, KioskWindow::Screen::OutOfService, StepMs))
            return failed();
        if (!m_request.language.isEmpty() && !driver.tap(kiosk.languageButton(m_request.language)))
            return failed();
        return grab(kiosk);
    }
    if (!driver.waitForAttract(kiosk, StepMs))
        return failed();
    if (!m_request.language.isEmpty() && !driver.tap(kiosk.languageButton(m_request.language)))
        return failed();
    if (show == u"attract")
        return grab(kiosk);
    if (!driver.tap(kiosk.attractScreen()->startButton()))
        return failed();
    const Service first = kiosk.attractScreen()->services().first();
    if (!driver.tap(kiosk.washScreen()->washButton(first.id)))
        return failed();
    if (show == u"wash")
        return grab(kiosk);
    if (!driver.tap(kiosk.washScreen()->continueButton())
        || !driver.waitFor(
            [&] { return !kiosk.timeScreen()->isLoading() && kiosk.timeScreen()->slotButton(0); }, StepMs,
            QStringLiteral("free times")))
        return failed();
    if (show == u"time")
        return grab(kiosk);
    if (!driver.tap(kiosk.timeScreen()->slotButton(0)))
        return failed();
    PlateScreen *plate = kiosk.plateScreen();
    for (const QChar c : QStringLiteral("KIO5123")) {
        if (!driver.tap(plate->keyboard()->key(QString(c))))
            return failed();
    }
    if (show == u"plate")
        return grab(kiosk);
    if (show == u"idle") {
        // The customer walked away from the plate: a quiet spell of a second
        // (the site's is a minute at least) brings "Still there?" at once.
        kiosk.idleWatcher()->setTimeout(1000);
        if (!driver.waitFor([&kiosk] { return kiosk.idleOverlay()->isVisible(); }, StepMs,
                            QStringLiteral("the Still there? overlay")))
            return failed();
        return grab(kiosk);
    }
    if (!driver.tap(plate->continueButton()))
        return failed();
    PayScreen *pay = kiosk.payScreen();
    if (!driver.waitFor(
            [pay] {
                return pay->stage() == PayScreen::Stage::Choosing
                    || pay->stage() == PayScreen::Stage::OnReader || pay->stage() == PayScreen::Stage::Failed;
            },
            StepMs, QStringLiteral("the hold")))
        return failed();
    if (!driver.waitFor(
            [pay] {
                return pay->stage() == PayScreen::Stage::OnReader
                    && pay->progress().state() == CardPaymentProgress::State::Waiting;
            },
            StepMs, QStringLiteral("the reader waiting for a card (\"%1\")").arg(pay->stateText())))
        return failed();
    if (show == u"pay-reader")
        return grab(kiosk);
    if (show == u"pay-phone") {
        // The reader is asked at once; the customer turns to the phone instead.
        if (!driver.tap(pay->phoneButton())
            || !driver.waitFor([pay] { return !pay->checkoutUrl().isEmpty(); }, StepMs,
                               QStringLiteral("the Checkout link")))
            return failed();
        return grab(kiosk);
    }
    QString error;
    if (!presentCard(pay->reader()->id, &error))
        return finish(1, error);
    if (!driver.waitForScreen(kiosk, KioskWindow::Screen::Done, StepMs))
        return failed();
    if (show == u"done")
        return grab(kiosk);
    finish(1, QStringLiteral("unknown --show %1").arg(show));
}

bool KioskScreenshotRunner::presentCard(const QString &readerId, QString *error)
{
    const QString base = qEnvironmentVariable("STRIPE_API_BASE");
    if (base.isEmpty()) {
        *error = QStringLiteral("STRIPE_API_BASE names no fake Stripe to present a card at");
        return false;
    }
    QNetworkRequest request(QUrl(
        base + QStringLiteral("/v1/test_helpers/terminal/readers/%1/present_payment_method").arg(readerId)));
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QStringLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Authorization", "Bearer " + qgetenv("STRIPE_SECRET_KEY"));
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("card_present[number]"), QStringLiteral("4242424242424242"));
    QNetworkReply *reply = m_network->post(request, form.toString(QUrl::FullyEncoded).toUtf8());
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200) {
        *error = QStringLiteral("the fake Stripe did not take the card (%1): %2")
                     .arg(status)
                     .arg(QString::fromUtf8(reply->readAll()));
        return false;
    }
    return true;
}

void KioskScreenshotRunner::grab(KioskWindow &kiosk)
{
    // A moment for layouts and the first paint after the data arrived.
    QTimer::singleShot(700, this, [this, &kiosk] {
        if (!kiosk.grab().save(m_request.path))
            finish(1, QStringLiteral("could not write %1").arg(m_request.path));
        else
            finish(0, QStringLiteral("saved %1").arg(m_request.path));
    });
}

void KioskScreenshotRunner::finish(int exitCode, const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    std::fprintf(exitCode == 0 ? stdout : stderr, "carwash-screenshots: %s\n", qPrintable(message));
    std::fflush(nullptr);
    // Leaving releases what the kiosk held; the program ends once its connections are closed.
    connect(&m_desk, &DeskApplication::shutDownFinished, this,
            [exitCode] { QCoreApplication::exit(exitCode); });
    if (KioskWindow *kiosk = m_desk.kioskWindow())
        kiosk->startOver();
    m_desk.shutDown();
}
