#include "tests/harness/kioskdriver.h"

#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/onscreenkeyboard.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPushButton>
#include <QTest>
#include <QTimer>

bool KioskDriver::fail(const KioskWindow &kiosk, const QString &reason)
{
    m_kiosk = &kiosk;
    return fail(reason);
}

bool KioskDriver::fail(const QString &reason)
{
    m_failureScreen = m_kiosk ? screenName(m_kiosk->screen()) : QString();
    m_failureReason = reason;
    return false;
}

QString KioskDriver::failure() const
{
    return m_failureScreen.isEmpty() ? m_failureReason
                                     : m_failureScreen + QStringLiteral(": ") + m_failureReason;
}

QString KioskDriver::screenName(KioskWindow::Screen screen)
{
    switch (screen) {
    case KioskWindow::Screen::Starting:
        return QStringLiteral("Starting");
    case KioskWindow::Screen::Attract:
        return QStringLiteral("Attract");
    case KioskWindow::Screen::Wash:
        return QStringLiteral("Wash");
    case KioskWindow::Screen::Time:
        return QStringLiteral("Time");
    case KioskWindow::Screen::Plate:
        return QStringLiteral("Plate");
    case KioskWindow::Screen::Pay:
        return QStringLiteral("Pay");
    case KioskWindow::Screen::Done:
        return QStringLiteral("Done");
    case KioskWindow::Screen::OutOfService:
        return QStringLiteral("OutOfService");
    }
    return QStringLiteral("unknown");
}

bool KioskDriver::tap(QPushButton *button)
{
    if (!button || !button->isVisible() || !button->isEnabled()) {
        return fail(QStringLiteral("cannot tap %1: %2")
                        .arg(button ? button->objectName() : QStringLiteral("(none)"),
                             !button                    ? QStringLiteral("missing")
                                 : !button->isVisible() ? QStringLiteral("hidden")
                                                        : QStringLiteral("disabled")));
    }
    ++m_touches;
    QTest::mouseClick(button, Qt::LeftButton, {}, button->rect().center());
    return true;
}

bool KioskDriver::waitFor(const std::function<bool()> &condition, int timeoutMs, const QString &what)
{
    if (condition())
        return true;
    // An event loop rather than QTest::qWait, which sleeps between its
    // rounds of events: the GUI thread is never held here, so a benchmark
    // measuring its stalls measures the kiosk's.
    QElapsedTimer waited;
    waited.start();
    QEventLoop loop;
    QTimer check;
    check.setInterval(PollMs);
    bool met = false;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        // What was deleteLater()'d in here, as qWait does.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        met = condition();
        if (met || waited.elapsed() >= timeoutMs)
            loop.quit();
    });
    check.start();
    loop.exec();
    return met || fail(QStringLiteral("%1 not within %2 ms").arg(what).arg(timeoutMs));
}

bool KioskDriver::waitForScreen(KioskWindow &kiosk, KioskWindow::Screen screen, int timeoutMs)
{
    m_kiosk = &kiosk;
    return waitFor([&kiosk, screen] { return kiosk.screen() == screen; }, timeoutMs,
                   QStringLiteral("the %1 screen").arg(screenName(screen)));
}

bool KioskDriver::waitForAttract(KioskWindow &kiosk, int timeoutMs)
{
    m_kiosk = &kiosk;
    return waitFor(
        [&kiosk] {
            return kiosk.screen() == KioskWindow::Screen::Attract && !kiosk.attractScreen()->isLoading()
                && !kiosk.attractScreen()->services().isEmpty();
        },
        timeoutMs, QStringLiteral("the attract screen with the washes"));
}

bool KioskDriver::toPlate(KioskWindow &kiosk, int timeoutMs)
{
    m_kiosk = &kiosk;
    if (kiosk.attractScreen()->services().isEmpty())
        return fail(QStringLiteral("no washes on offer"));
    if (!tap(kiosk.attractScreen()->startButton()))
        return false;
    const Service first = kiosk.attractScreen()->services().first();
    if (!tap(kiosk.washScreen()->washButton(first.id)) || !tap(kiosk.washScreen()->continueButton()))
        return false;
    if (!waitFor([&kiosk] { return !kiosk.timeScreen()->isLoading() && kiosk.timeScreen()->slotButton(0); },
                 timeoutMs, QStringLiteral("a free time offered")))
        return false;
    if (!tap(kiosk.timeScreen()->slotButton(0)))
        return false;
    return kiosk.screen() == KioskWindow::Screen::Plate
        || fail(QStringLiteral("the time did not lead to the plate"));
}

bool KioskDriver::enterPlate(KioskWindow &kiosk, const QString &plate)
{
    m_kiosk = &kiosk;
    OnScreenKeyboard *keyboard = kiosk.plateScreen()->keyboard();
    for (const QChar c : plate) {
        QPushButton *key = keyboard->key(QString(c));
        if (!key)
            return fail(QStringLiteral("no key for \"%1\"").arg(c));
        if (!tap(key))
            return false;
    }
    return tap(kiosk.plateScreen()->continueButton());
}
