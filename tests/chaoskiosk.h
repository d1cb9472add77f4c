#pragma once

#include "tests/harness/kioskdriver.h"
#include "ui/kiosk/kioskwindow.h"

#include <QElapsedTimer>
#include <QMap>
#include <QString>
#include <QStringList>

class FakeStripe;

// The kiosk's customers in the chaos tests (ChaosFixture): a real
// KioskWindow driven, one look at a time, as its customers use it — the
// first wash, a car, the next free time, a plate, a card on the kiosk's
// reader at the fake Stripe — so the other clients keep working meanwhile.
// A flow the kiosk ends with its error on screen is gone on with through
// the kiosk's own buttons, as a customer would: Back (then Continue) when
// the hold failed, Start over when the card payment could not start or
// ended unpaid or no time is left; an out-of-service kiosk is waited for
// (it comes back by itself). Acknowledged = the kiosk showed Done with a
// booking code. Test thread only.
class ChaosKiosk
{
public:
    ChaosKiosk(KioskWindow &kiosk, FakeStripe &stripe, QString readerId);

    // What a customer does on the screen now, if anything; nothing once
    // stuck().
    void step();
    // The next customer to reach the reader waits there, card in hand,
    // until declineThisCard(); atReader() meanwhile.
    void waitAtReader() { m_waitAtReader = true; }
    bool atReader() const;
    // That customer's card is presented at the next step() and declined
    // (Stripe's test card 4000000000000002): the kiosk says so, and the
    // customer starts over.
    void declineThisCard() { m_waitAtReader = false, m_decline = true; }
    // No customer starts after the one at the kiosk now (the end of the
    // workload); idle() once that one is done.
    void closeAfterThisCustomer() { m_closing = true; }
    bool idle() const;
    // Whether the kiosk stayed on one screen longer than any wait in the
    // product (it would need a restart); what it showed then.
    bool stuck() const { return !m_stuck.isEmpty(); }
    QString stuckWhat() const { return m_stuck; }

    // The codes shown on Done, in order.
    const QStringList &codes() const { return m_codes; }
    // The screens of each flow that ended without Done ("Wash Time Plate
    // Pay OutOfService Attract"), with what the kiosk said, for the report.
    const QStringList &unfinished() const { return m_unfinished; }
    // Flows begun on the attract screen.
    int started() const { return m_started; }
    // Flows gone on with through Back or Start over after the kiosk showed
    // an error, by cause ("hold failed", "card not started", "card
    // declined", "no free time", …), and in all.
    const QMap<QString, int> &startedOverBy() const { return m_startedOverBy; }
    int startedOver() const;
    // Flows the kiosk itself dropped by going out of service.
    int outOfService() const { return m_outOfService; }
    // Errors the kiosk ended a flow with and said nothing about (must be none).
    const QStringList &unexplained() const { return m_unexplained; }

private:
    // The customer reads the error on screen and taps button (Back or
    // Start over) for cause.
    void goOn(QPushButton *button, const QString &cause, const QString &said);

    KioskWindow &m_kiosk;
    FakeStripe &m_stripe;
    QString m_readerId;
    KioskDriver m_driver;
    KioskWindow::Screen m_screen = KioskWindow::Screen::Starting;
    QElapsedTimer m_onScreen;
    bool m_cardPresented = false;
    bool m_waitAtReader = false;
    bool m_decline = false;
    bool m_wentBack = false; // from Pay to Plate after the hold failed: Continue again
    bool m_closing = false;
    QString m_stuck;
    QStringList m_codes;
    QString m_path; // this flow's screens
    QString m_lastPayState;
    QStringList m_unfinished;
    QStringList m_unexplained;
    QMap<QString, int> m_startedOverBy;
    int m_outOfService = 0;
    int m_started = 0;
};
