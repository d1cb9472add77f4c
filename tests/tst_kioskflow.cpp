// The kiosk's flow end to end: a customer touching the kiosk's buttons from
// the attract screen to paid, on the kiosk's reader and by phone, against a
// real PostgreSQL, carwash-server as a process and the fake Stripe (its
// simulated reader, its Checkout pages); exactly one booking confirmed at
// the database's price, and the touches counted. Start over from every
// screen releases what was made and clears the widgets.
#include "db/text/money.h"
#include "tests/harness/nohang.h"
#include "tests/kioskfixture.h"
#include "ui/common/idlewatcher.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/donescreen.h"
#include "ui/kiosk/kioskidleoverlay.h"
#include "ui/kiosk/onscreenkeyboard.h"
#include "ui/kiosk/payscreen.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPrinter>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using TestWaits::kNoHangMs;

class TestKioskFlow : public QObject, protected KioskFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startKioskSite(QStringLiteral("tst_kioskflow")); }
    void init() { resetKioskSite(); }
    void cleanupTestCase() { stopKioskSite(); }

    void paidOnTheReaderInAtMostTwelveTouches();
    void paidByPhoneThroughTheQrCode();
    void theWholeFlowWorksByKeyboard();
    void idleResetReleasesTheHoldAndCancelsAtStripe();
    void idleNeverInterruptsAPaymentOnThePhone();
    void startOverFromEveryScreenLeavesNothingBehind_data();
    void startOverFromEveryScreenLeavesNothingBehind();

private:
    qint64 count(const QString &statement) { return KioskFixture::count(statement); }
    // Tab until button has the focus (as a keypad moves it), then Space.
    bool pressByKeyboard(QWidget *window, QPushButton *button);
};

void TestKioskFlow::paidOnTheReaderInAtMostTwelveTouches()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));
    setKiosk(QStringLiteral("Entrance"), {QStringLiteral("reader"), QStringLiteral("phone")});
    const QString reader = giveReader(QStringLiteral("Entrance"));
    auto kiosk = openKiosk(QStringLiteral("Entrance"));
    QVERIFY(kiosk);
    // A receipt printer, as a PDF file so the test can look at what came out.
    QTemporaryDir printed;
    auto printer = std::make_shared<QPrinter>(QPrinter::HighResolution);
    printer->setOutputFormat(QPrinter::PdfFormat);
    printer->setOutputFileName(printed.filePath(QStringLiteral("receipt.pdf")));
    kiosk->doneScreen()->setReceiptPrinter(printer);
    m_touches = 0;

    // The common case: the first wash, a car, the next free time, a
    // seven-character plate, the kiosk's reader.
    QVERIFY(toPlate(*kiosk));
    const PlannedSlot chosen = *kiosk->order().slot;
    QVERIFY(enterPlate(*kiosk, QStringLiteral("KIO5123")));
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Pay);

    // The hold is made as Pay opens, the reader asked at once.
    PayScreen *pay = kiosk->payScreen();
    QTRY_VERIFY_WITH_TIMEOUT(pay->stage() == PayScreen::Stage::OnReader, kNoHangMs);
    const qint64 booking = kiosk->order().booking->id;
    QCOMPARE(
        one(QStringLiteral("SELECT concat_ws('|', status, plate, created_by) FROM bookings WHERE id = %1")
                .arg(booking)),
        QStringLiteral("held|KIO5123|kiosk:Entrance"));
    QCOMPARE(kiosk->order().booking->start, chosen.start);
    const qint64 price = count(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(booking));
    QVERIFY(pay->summaryText().contains(
        QStringLiteral("Total: %1").arg(Money::format(price, QStringLiteral("USD")))));
    QTRY_VERIFY_WITH_TIMEOUT(pay->stateText().contains(QStringLiteral("Tap, insert or swipe your card")),
                             kNoHangMs);
    QVERIFY(!kiosk->paymentInProgress()); // waiting for a card is not paying yet

    // The card on the reader: the customer touches nothing more on the screen.
    QVERIFY2(m_stripe.presentCard(reader), qPrintable(m_stripe.lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Done, kNoHangMs);
    QVERIFY2(m_touches <= 12, qPrintable(QString::number(m_touches)));
    QCOMPARE(m_touches, 12); // 1 start, 2 wash, 1 time, 7 plate, 1 continue

    // Exactly one booking, confirmed, paid the database's price on this reader.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings")), 1);
    QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
             QStringLiteral("confirmed"));
    QCOMPARE(one(QStringLiteral("SELECT string_agg(concat_ws('|', method, status, amount_cents, "
                                "stripe_terminal_reader_id), ',') FROM payments WHERE booking_id = %1 "
                                "AND status = 'succeeded'")
                     .arg(booking)),
             QStringLiteral("terminal|succeeded|%1|%2").arg(price).arg(reader));
    const QString code = one(QStringLiteral("SELECT code FROM bookings WHERE id = %1").arg(booking));
    QCOMPARE(kiosk->doneScreen()->codeText(), code);
    QVERIFY(!kiosk->doneScreen()->qrImage().isNull());
    QVERIFY(kiosk->doneScreen()
                ->findChild<QLabel *>(QStringLiteral("doneDrive"))
                ->text()
                .startsWith(QStringLiteral("Drive to ")));
    // The receipt, from the database, on the kiosk's printer.
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->doneScreen()->receiptText(), QStringLiteral("Please take your receipt."),
                              kNoHangMs);
    QFile pdf(printed.filePath(QStringLiteral("receipt.pdf")));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");

    // Back to the start by itself; nothing of this customer stays on screen.
    kiosk->doneScreen()->setReturnAfter(50);
    kiosk->doneScreen()->showBooking(*kiosk->order().booking, true);
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Attract, kNoHangMs);
    QVERIFY(kiosk->plateScreen()->plateField()->text().isEmpty());
    QVERIFY(kiosk->doneScreen()->codeText().isEmpty());
    QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
             QStringLiteral("confirmed"));
    QCOMPARE(server.terminate(), 0);
}

void TestKioskFlow::paidByPhoneThroughTheQrCode()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));
    setKiosk(QStringLiteral("Exit"), {QStringLiteral("phone")});
    auto kiosk = openKiosk(QStringLiteral("Exit"));
    QVERIFY(kiosk);
    QVERIFY(toPlate(*kiosk));
    QVERIFY(enterPlate(*kiosk, QStringLiteral("PH 12")));
    PayScreen *pay = kiosk->payScreen();
    QTRY_COMPARE_WITH_TIMEOUT(pay->stage(), PayScreen::Stage::Choosing, kNoHangMs);
    // No reader at this kiosk: the phone is what it offers.
    QVERIFY(!pay->readerButton()->isVisible());
    QVERIFY(tap(pay->phoneButton()));
    QTRY_VERIFY_WITH_TIMEOUT(!pay->checkoutUrl().isEmpty(), kNoHangMs);
    QVERIFY(pay->stateText().contains(QStringLiteral("Waiting for your payment on your phone")));
    QVERIFY(kiosk->paymentInProgress()); // idle must not interrupt now
    const qint64 booking = kiosk->order().booking->id;
    const QString session = one(
        QStringLiteral(
            "SELECT stripe_checkout_session_id FROM payments WHERE booking_id = %1 AND status = 'pending'")
            .arg(booking));
    QVERIFY(session.startsWith(u"cs_"));

    QVERIFY2(m_stripe.pay(session), qPrintable(m_stripe.lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Done, kNoHangMs);
    const qint64 price = count(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(booking));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings")), 1);
    QCOMPARE(
        one(QStringLiteral("SELECT concat_ws('|', b.status, p.method, p.amount_cents) FROM bookings b JOIN "
                           "payments p ON p.booking_id = b.id AND p.status = 'succeeded' WHERE b.id = %1")
                .arg(booking)),
        QStringLiteral("confirmed|stripe_checkout|%1").arg(price));
    QVERIFY(!kiosk->paymentInProgress());
    QCOMPARE(server.terminate(), 0);
}

bool TestKioskFlow::pressByKeyboard(QWidget *window, QPushButton *button)
{
    if (!button)
        return false;
    for (int i = 0; i < 200 && QApplication::focusWidget() != button; ++i)
        QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : window, Qt::Key_Tab);
    if (QApplication::focusWidget() != button) {
        qWarning("%s cannot be reached with Tab", qPrintable(button->objectName()));
        return false;
    }
    QTest::keyClick(button, Qt::Key_Space);
    return true;
}

void TestKioskFlow::theWholeFlowWorksByKeyboard()
{
    setKiosk(QStringLiteral("Keys"), {QStringLiteral("phone"), QStringLiteral("desk")});
    auto kiosk = openKiosk(QStringLiteral("Keys"));
    QVERIFY(kiosk);
    kiosk->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(kiosk.get()));
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->attractScreen()->startButton()));
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Wash);
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->washScreen()->vehicleButton(QStringLiteral("suv"))));
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->washScreen()->washButton(m_f.wash)));
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->washScreen()->addonButton(m_f.wax)));
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->washScreen()->continueButton()));
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->timeScreen()->slotButton(0), kNoHangMs);
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->timeScreen()->slotButton(0)));
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Plate);
    // A keyboard types into the plate field too; Enter goes on.
    QTRY_COMPARE_WITH_TIMEOUT(QApplication::focusWidget(), kiosk->plateScreen()->plateField(), kNoHangMs);
    QTest::keyClicks(kiosk->plateScreen()->plateField(), QStringLiteral("key 42"));
    QTest::keyClick(kiosk->plateScreen()->plateField(), Qt::Key_Return);
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Pay);
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->payScreen()->stage(), PayScreen::Stage::Choosing, kNoHangMs);
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->payScreen()->deskButton()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Done, kNoHangMs);
    QCOMPARE(
        one(QStringLiteral("SELECT concat_ws('|', status, vehicle_class, plate, price_cents) FROM bookings")),
        QStringLiteral("confirmed|suv|KEY42|2000"));
    QVERIFY(pressByKeyboard(kiosk.get(), kiosk->doneScreen()->finishButton()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Attract, kNoHangMs);
}

void TestKioskFlow::idleResetReleasesTheHoldAndCancelsAtStripe()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));
    setKiosk(QStringLiteral("Idle"), {QStringLiteral("reader"), QStringLiteral("phone")});
    giveReader(QStringLiteral("Idle"));
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('kiosk.idle_seconds', '45')"));
    auto kiosk = openKiosk(QStringLiteral("Idle"));
    QVERIFY(kiosk);
    // The site's setting is read on start.
    QCOMPARE(kiosk->idleWatcher()->timeout(), 45 * 1000);
    QVERIFY(toPlate(*kiosk));
    QVERIFY(enterPlate(*kiosk, QStringLiteral("IDLE1")));
    PayScreen *pay = kiosk->payScreen();
    QTRY_VERIFY_WITH_TIMEOUT(pay->stateText().contains(QStringLiteral("Tap, insert or swipe")), kNoHangMs);
    const qint64 booking = kiosk->order().booking->id;
    const qint64 payment = pay->paymentId();
    const QString intent
        = one(QStringLiteral("SELECT stripe_payment_intent_id FROM payments WHERE id = %1").arg(payment));
    QVERIFY(intent.startsWith(u"pi_"));

    // Still there? Continue keeps everything as it was.
    kiosk->idleOverlay()->setTickInterval(50);
    kiosk->idleWatcher()->setTimeout(300);
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->idleOverlay()->isRunning(), kNoHangMs);
    QVERIFY(tap(kiosk->idleOverlay()->findChild<QPushButton *>(QStringLiteral("idleContinue"))));
    QVERIFY(!kiosk->idleOverlay()->isRunning());
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Pay);
    QCOMPARE(kiosk->order().booking->id, booking);
    QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
             QStringLiteral("held"));

    // The customer walks away from the reader: asked again, then reset.
    QSignalSpy timedOut(kiosk->idleOverlay(), &KioskIdleOverlay::timedOut);
    QTRY_COMPARE_WITH_TIMEOUT(timedOut.size(), 1, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Attract, kNoHangMs);
    QVERIFY(!kiosk->idleOverlay()->isRunning());
    QVERIFY(kiosk->plateScreen()->plateField()->text().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
                              QStringLiteral("cancelled"), kNoHangMs);
    QCOMPARE(one(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(payment)),
             QStringLiteral("cancelled"));
    // carwash-server cancelled the reader's payment at Stripe.
    QTRY_COMPARE_WITH_TIMEOUT(m_stripe.object(intent)[u"status"].toString(), QStringLiteral("canceled"),
                              kNoHangMs);
    QCOMPARE(server.terminate(), 0);
}

void TestKioskFlow::idleNeverInterruptsAPaymentOnThePhone()
{
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));
    setKiosk(QStringLiteral("Patient"), {QStringLiteral("phone")});
    auto kiosk = openKiosk(QStringLiteral("Patient"));
    QVERIFY(kiosk);
    QVERIFY(toPlate(*kiosk));
    QVERIFY(enterPlate(*kiosk, QStringLiteral("WAIT1")));
    PayScreen *pay = kiosk->payScreen();
    QTRY_COMPARE_WITH_TIMEOUT(pay->stage(), PayScreen::Stage::Choosing, kNoHangMs);
    QVERIFY(tap(pay->phoneButton()));
    QTRY_VERIFY_WITH_TIMEOUT(!pay->checkoutUrl().isEmpty(), kNoHangMs);
    QVERIFY(kiosk->paymentInProgress());
    kiosk->idleWatcher()->setTimeout(100);
    // Many idle timeouts go by while the customer pays on the phone.
    QSignalSpy idle(kiosk->idleWatcher(), &IdleWatcher::idle);
    QTRY_VERIFY_WITH_TIMEOUT(idle.size() >= 1, kNoHangMs);
    QTest::qWait(300);
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Pay);
    QVERIFY(!kiosk->idleOverlay()->isRunning());
    QVERIFY(pay->stateText().contains(QStringLiteral("Waiting for your payment on your phone")));
    const qint64 booking = kiosk->order().booking->id;
    QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
             QStringLiteral("held"));

    // Cancelled on the screen: the payment ends, and idle may reset again.
    kiosk->idleOverlay()->setTickInterval(20);
    QVERIFY(tap(pay->cancelButton()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Attract, kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
                              QStringLiteral("cancelled"), kNoHangMs);
    QCOMPARE(server.terminate(), 0);
}

void TestKioskFlow::startOverFromEveryScreenLeavesNothingBehind_data()
{
    QTest::addColumn<KioskWindow::Screen>("screen");
    QTest::newRow("wash") << KioskWindow::Screen::Wash;
    QTest::newRow("time") << KioskWindow::Screen::Time;
    QTest::newRow("plate") << KioskWindow::Screen::Plate;
    QTest::newRow("pay") << KioskWindow::Screen::Pay;
    QTest::newRow("pay by phone") << KioskWindow::Screen::Pay;
    QTest::newRow("done") << KioskWindow::Screen::Done;
}

void TestKioskFlow::startOverFromEveryScreenLeavesNothingBehind()
{
    QFETCH(KioskWindow::Screen, screen);
    const bool byPhone = QByteArray(QTest::currentDataTag()) == "pay by phone";
    const bool done = screen == KioskWindow::Screen::Done;
    ServerProcess server;
    if (byPhone) {
        QVERIFY(startServer(server));
        QVERIFY(deliverTo(server));
    }
    // Pay at the desk reaches Done without a card.
    setKiosk(QStringLiteral("Lobby"), {QStringLiteral("phone"), QStringLiteral("desk")});
    auto kiosk = openKiosk(QStringLiteral("Lobby"));
    QVERIFY(kiosk);
    if (screen == KioskWindow::Screen::Wash) {
        QVERIFY(tap(kiosk->attractScreen()->startButton()));
        QVERIFY(tap(kiosk->washScreen()->vehicleButton(QStringLiteral("suv"))));
        QVERIFY(tap(kiosk->washScreen()->washButton(kiosk->attractScreen()->services().first().id)));
    } else {
        QVERIFY(toPlate(*kiosk));
    }
    if (screen == KioskWindow::Screen::Time)
        QVERIFY(tap(kiosk->backButton()));
    if (screen == KioskWindow::Screen::Plate || screen == KioskWindow::Screen::Pay || done) {
        // Typed, and a receipt address too: all of it must go.
        for (const QChar c : QStringLiteral("GONE 1"))
            QVERIFY(tap(kiosk->plateScreen()->keyboard()->key(QString(c))));
        QVERIFY(tap(kiosk->plateScreen()->contactButton()));
        for (const QChar c : QStringLiteral("A@B.CO"))
            QVERIFY(tap(kiosk->plateScreen()->keyboard()->key(QString(c))));
        QCOMPARE(kiosk->plateScreen()->contactField()->text(), QStringLiteral("a@b.co"));
    }
    qint64 booking = 0;
    if (screen == KioskWindow::Screen::Pay || done) {
        QVERIFY(tap(kiosk->plateScreen()->continueButton()));
        PayScreen *pay = kiosk->payScreen();
        QTRY_COMPARE_WITH_TIMEOUT(pay->stage(), PayScreen::Stage::Choosing, kNoHangMs);
        booking = kiosk->order().booking->id;
        QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
                 QStringLiteral("held"));
        if (byPhone) {
            QVERIFY(tap(pay->phoneButton()));
            QTRY_VERIFY_WITH_TIMEOUT(!pay->checkoutUrl().isEmpty(), kNoHangMs);
        }
        if (done) {
            // No carwash-server reporting in this row: book now, pay at the desk.
            QVERIFY(tap(pay->deskButton()));
            QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Done, kNoHangMs);
            QVERIFY(kiosk->doneScreen()->detailsText().contains(QStringLiteral("at the desk")));
        }
    }
    QCOMPARE(kiosk->screen(), screen);

    QVERIFY(tap(kiosk->startOverButton()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Attract, kNoHangMs);
    QVERIFY(!kiosk->order().service);
    QVERIFY(!kiosk->order().booking);
    QVERIFY(kiosk->order().plate.isEmpty());
    for (QLineEdit *field : kiosk->findChildren<QLineEdit *>())
        QVERIFY2(field->text().isEmpty(), qPrintable(field->objectName()));
    QVERIFY(kiosk->doneScreen()->codeText().isEmpty());
    // The wash screen forgot the choice: no card, no size but the car.
    for (QPushButton *card :
         kiosk->washScreen()->findChildren<QPushButton *>(QRegularExpression(QStringLiteral("^wash_"))))
        QVERIFY(!card->isChecked());
    QVERIFY(kiosk->washScreen()->vehicleButton(QStringLiteral("car"))->isChecked());
    if (booking && !done) {
        // The hold released; a Checkout session expired at Stripe too.
        QTRY_COMPARE_WITH_TIMEOUT(
            one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
            QStringLiteral("cancelled"), kNoHangMs);
        QCOMPARE(
            count(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1 AND status = 'pending'")
                      .arg(booking)),
            0);
        if (byPhone) {
            const QString session
                = one(QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE "
                                     "booking_id = %1")
                          .arg(booking));
            QTRY_COMPARE_WITH_TIMEOUT(m_stripe.object(session)[u"status"].toString(),
                                      QStringLiteral("expired"), kNoHangMs);
        }
    }
    if (done)
        QCOMPARE(one(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(booking)),
                 QStringLiteral("confirmed"));
    if (byPhone)
        QCOMPARE(server.terminate(), 0);
}

QTEST_MAIN(TestKioskFlow)
#include "tst_kioskflow.moc"
