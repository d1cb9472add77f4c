#include "tests/chaoskiosk.h"

#include "tests/harness/fakestripe.h"
#include "tests/harness/nohang.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/donescreen.h"
#include "ui/kiosk/payscreen.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include <numeric>

namespace {

QString stateName(CardPaymentProgress::State state)
{
    using State = CardPaymentProgress::State;
    switch (state) {
    case State::Declined:
        return QStringLiteral("declined");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Cancelled:
        return QStringLiteral("cancelled");
    case State::Expired:
        return QStringLiteral("expired");
    default:
        return QStringLiteral("under way");
    }
}

} // namespace

ChaosKiosk::ChaosKiosk(KioskWindow &kiosk, FakeStripe &stripe, QString readerId)
    : m_kiosk(kiosk)
    , m_stripe(stripe)
    , m_readerId(std::move(readerId))
{
    m_onScreen.start();
}

bool ChaosKiosk::idle() const
{
    return m_kiosk.screen() == KioskWindow::Screen::Attract;
}

bool ChaosKiosk::atReader() const
{
    return m_kiosk.screen() == KioskWindow::Screen::Pay
        && m_kiosk.payScreen()->stage() == PayScreen::Stage::OnReader
        && m_kiosk.payScreen()->progress().state() == CardPaymentProgress::State::Waiting && !m_cardPresented
        && m_waitAtReader;
}

int ChaosKiosk::startedOver() const
{
    return std::accumulate(m_startedOverBy.cbegin(), m_startedOverBy.cend(), 0);
}

void ChaosKiosk::goOn(QPushButton *button, const QString &cause, const QString &said)
{
    if (!m_driver.tap(button))
        return; // not there yet (or disabled): a hang, if it stays so, is stuck()
    // The kiosk must say what went wrong before the customer can go on.
    if (said.trimmed().isEmpty())
        m_unexplained << cause + QStringLiteral(" on") + m_path;
    m_path += QStringLiteral(" (%1: \"%2\")").arg(cause, said);
    ++m_startedOverBy[cause];
}

void ChaosKiosk::step()
{
    if (stuck())
        return;
    using Screen = KioskWindow::Screen;
    const Screen screen = m_kiosk.screen();
    if (screen != m_screen) {
        // The kiosk dropped a customer's flow by itself.
        if (screen == Screen::OutOfService && m_screen != Screen::Attract && m_screen != Screen::Starting)
            ++m_outOfService;
        m_screen = screen;
        m_onScreen.restart();
        m_cardPresented = false;
        m_path += u' ' + KioskDriver::screenName(screen);
        if (screen == Screen::Done) {
            m_codes << m_kiosk.doneScreen()->codeText();
            m_path.clear();
        }
    }
    if (screen == Screen::Pay)
        m_lastPayState = m_kiosk.payScreen()->stateText();
    if (screen == Screen::Attract && m_closing)
        m_onScreen.restart(); // nobody comes any more: waiting is no hang
    if (m_onScreen.elapsed() > TestWaits::kNoHangMs) {
        m_stuck = QStringLiteral("%1 for %2 ms: %3; this flow:%4")
                      .arg(KioskDriver::screenName(screen))
                      .arg(m_onScreen.elapsed())
                      .arg(screen == Screen::Pay ? m_kiosk.payScreen()->stateText() : QString(), m_path);
        return;
    }
    switch (screen) {
    case Screen::Starting:
    case Screen::OutOfService: // back by itself once the database is
        return;
    case Screen::Attract: {
        AttractScreen *attract = m_kiosk.attractScreen();
        if (m_closing || attract->isLoading() || attract->services().isEmpty())
            return;
        if (m_path.contains(QStringLiteral("Pay")))
            m_unfinished << m_path.trimmed() + QStringLiteral(" (Pay said last: ") + m_lastPayState + u')';
        m_path.clear();
        m_wentBack = false;
        ++m_started;
        m_driver.tap(attract->startButton());
        return;
    }
    case Screen::Wash: {
        WashScreen *wash = m_kiosk.washScreen();
        if (m_driver.tap(wash->washButton(m_kiosk.attractScreen()->services().first().id)))
            m_driver.tap(wash->continueButton());
        return;
    }
    case Screen::Time: {
        TimeScreen *time = m_kiosk.timeScreen();
        if (time->isLoading())
            return;
        if (!time->slotButton(0)) { // no free time left today
            goOn(m_kiosk.startOverButton(), QStringLiteral("no free time"),
                 time->findChild<QLabel *>(QStringLiteral("timeStatus"))->text());
            return;
        }
        // Seven characters, a new plate each flow.
        if (m_driver.tap(time->slotButton(0)) && m_kiosk.screen() == Screen::Plate)
            m_driver.enterPlate(m_kiosk, QStringLiteral("KC%1").arg(m_started, 5, 10, QLatin1Char('0')));
        return;
    }
    case Screen::Plate: {
        PlateScreen *plate = m_kiosk.plateScreen();
        if (m_wentBack && !plate->plateField()->text().isEmpty()) {
            // Back from a hold that failed: the plate is still there; again.
            m_wentBack = false;
            m_driver.tap(plate->continueButton());
            return;
        }
        // The plate refused.
        goOn(m_kiosk.startOverButton(), QStringLiteral("plate refused"), plate->errorText());
        return;
    }
    case Screen::Pay: {
        PayScreen *pay = m_kiosk.payScreen();
        switch (pay->stage()) {
        case PayScreen::Stage::Failed: // the hold failed or was refused: "Touch Back"
            m_wentBack = true;
            goOn(m_kiosk.backButton(), QStringLiteral("hold failed"), pay->stateText());
            return;
        case PayScreen::Stage::Choosing:
            // With the reader on offer the kiosk starts it at once: on
            // Choosing it could not (said on screen), or cards are off.
            goOn(m_kiosk.startOverButton(),
                 pay->cardAvailable() ? QStringLiteral("card not started")
                                      : QStringLiteral("card unavailable"),
                 pay->stateText());
            return;
        case PayScreen::Stage::OnReader: {
            const CardPaymentProgress::State state = pay->progress().state();
            if (state == CardPaymentProgress::State::Waiting) {
                if (!m_cardPresented && !m_waitAtReader) {
                    m_cardPresented = m_stripe.presentCard(m_readerId,
                                                           m_decline ? QStringLiteral("4000000000000002")
                                                                     : QStringLiteral("4242424242424242"));
                    m_decline = m_decline && !m_cardPresented;
                    if (!m_cardPresented && !m_path.endsWith(u')'))
                        m_path += QStringLiteral(" (the reader took no card: %1)").arg(m_stripe.lastError());
                }
                return;
            }
            if (pay->tryAgainButton()->isVisible()) // ended unpaid
                goOn(m_kiosk.startOverButton(), QStringLiteral("card ") + stateName(state), pay->stateText());
            return;
        }
        default: // holding, finishing, paid: wait
            return;
        }
    }
    case Screen::Done:
        m_driver.tap(m_kiosk.doneScreen()->finishButton());
        return;
    }
}
