// A whole booking on the kiosk from the tactile keypad alone, as a customer
// who cannot see the screen makes it: the real KioskWindow with its
// KioskShell (locked, styled, speaking through the tests' recording
// text-to-speech engine), a real PostgreSQL, carwash-server and the fake
// Stripe's reader. A keypad key turns speech on; 4/6 move and 5 chooses
// through attract, wash, time, the plate's on-screen keyboard and pay; the
// card is presented at the reader. Exactly one booking confirmed, and what
// the engine was asked to say holds every screen's title and the chosen
// wash's price, in the language chosen (once in English, once in Spanish).
#include "db/text/money.h"
#include "tests/harness/nohang.h"
#include "tests/harness/recordingspeech/recordingspeech.h"
#include "tests/kioskfixture.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/donescreen.h"
#include "ui/kiosk/kioskguard.h"
#include "ui/kiosk/kioskshell.h"
#include "ui/kiosk/kioskspeech.h"
#include "ui/kiosk/onscreenkeyboard.h"
#include "ui/kiosk/payscreen.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"

#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

using TestWaits::kNoHangMs;

class TestKioskShellKeypad : public QObject, protected KioskFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startKioskSite(QStringLiteral("tst_kioskshellkeypad")); }
    void init()
    {
        resetKioskSite();
        RecordingSpeech::clear();
    }
    void cleanupTestCase() { stopKioskSite(); }

    void aWholeBookingFromTheKeypadAlone_data();
    void aWholeBookingFromTheKeypadAlone();

private:
    // A keypad key (Num Lock on) to whatever has the focus.
    void press(Qt::Key key);
    // 4 or 6, whichever is shorter, until target has the focus; false
    // when it is not among what the keypad reaches.
    bool moveTo(KioskSpeech *speech, QWidget *target);
    // moveTo, then 5.
    bool choose(KioskSpeech *speech, QWidget *target);
    qint64 count(const QString &statement) { return KioskFixture::count(statement); }
};

void TestKioskShellKeypad::press(Qt::Key key)
{
    QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : QApplication::activeWindow();
    QTest::keyClick(target, key, Qt::KeypadModifier);
    // A person's next key comes after the kiosk has answered this one
    // (the newly focused choice is spoken on the next turn of the loop).
    QTest::qWait(20);
}

bool TestKioskShellKeypad::moveTo(KioskSpeech *speech, QWidget *target)
{
    const QList<QWidget *> reachable = speech->navigableWidgets();
    const qsizetype to = reachable.indexOf(target);
    if (to < 0) {
        qWarning("%s is not reachable from the keypad", qPrintable(target ? target->objectName() : QString()));
        return false;
    }
    for (int presses = 0; presses <= reachable.size(); ++presses) {
        if (QApplication::focusWidget() == target)
            return true;
        const qsizetype at = reachable.indexOf(QApplication::focusWidget());
        const qsizetype forward = at < 0 ? to + 1 : (to - at + reachable.size()) % reachable.size();
        press(forward <= reachable.size() / 2 ? Qt::Key_6 : Qt::Key_4);
    }
    return QApplication::focusWidget() == target;
}

bool TestKioskShellKeypad::choose(KioskSpeech *speech, QWidget *target)
{
    if (!moveTo(speech, target))
        return false;
    press(Qt::Key_5);
    return true;
}

void TestKioskShellKeypad::aWholeBookingFromTheKeypadAlone_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("washTitle"); // as a Spanish speaker would expect it, not from our own tr()
    QTest::newRow("English") << QStringLiteral("en") << QStringLiteral("Choose your wash");
    QTest::newRow("Spanish") << QStringLiteral("es") << QStringLiteral("Elija su lavado");
}

void TestKioskShellKeypad::aWholeBookingFromTheKeypadAlone()
{
    QFETCH(QString, language);
    QFETCH(QString, washTitle);
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY(deliverTo(server));
    setKiosk(QStringLiteral("Lane"), {QStringLiteral("reader"), QStringLiteral("phone")});
    const QString reader = giveReader(QStringLiteral("Lane"));
    auto kiosk = openKiosk(QStringLiteral("Lane"));
    QVERIFY(kiosk);
    // As carwash --kiosk has it, with the tests' engine (CARWASH_SPEECH_ENGINE).
    auto *shell = new KioskShell(kiosk.get());
    kiosk->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(kiosk.get()));
    KioskSpeech *speech = shell->speech();
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Attract);
    QVERIFY(!speech->isEnabled());

    // Any key of the keypad turns speech on; the focus on the first choice.
    QTRY_VERIFY_WITH_TIMEOUT(QApplication::activeWindow() == kiosk.get(), kNoHangMs);
    press(Qt::Key_0);
    QTRY_VERIFY_WITH_TIMEOUT(speech->isEnabled(), kNoHangMs);
    QCOMPARE(speech->engineName(), QString::fromLatin1(RecordingSpeech::engineName));
    // The focus on a choice the keypad reaches.
    QTRY_VERIFY2_WITH_TIMEOUT(speech->navigableWidgets().contains(QApplication::focusWidget()),
                              qPrintable(QStringLiteral("focus on %1, %2 reachable, screen %3")
                                             .arg(QApplication::focusWidget() ? QApplication::focusWidget()->objectName()
                                                                              : QStringLiteral("nothing"))
                                             .arg(speech->navigableWidgets().size())
                                             .arg(speech->currentScreen() ? speech->currentScreen()->objectName()
                                                                          : QStringLiteral("none"))),
                              10000);
    if (language != u"en") {
        QVERIFY(choose(speech, kiosk->languageButton(language)));
        QCOMPARE(kiosk->language(), language);
        // Read again in the new language once the engine has its voice.
        QTRY_VERIFY_WITH_TIMEOUT(!RecordingSpeech::log().isEmpty()
                                     && RecordingSpeech::log().last().locale.language() == QLocale(language).language()
                                     && RecordingSpeech::said().last().startsWith(kiosk->attractScreen()->title()),
                                 kNoHangMs);
    }
    // Everything said from here on is said in the customer's language.
    const qsizetype from = RecordingSpeech::log().size();

    // Attract → wash: the first wash for a car, then Continue.
    QVERIFY(choose(speech, kiosk->attractScreen()->startButton()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Wash, kNoHangMs);
    QCOMPARE(kiosk->washScreen()->title(), washTitle);
    const Service wash = kiosk->attractScreen()->services().first();
    QVERIFY(choose(speech, kiosk->washScreen()->washButton(wash.id)));
    QVERIFY(kiosk->order().service);
    QCOMPARE(kiosk->order().service->id, wash.id);
    QVERIFY(choose(speech, kiosk->washScreen()->continueButton()));

    // Time: the next free one, which has the focus once it is there.
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Time, kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!kiosk->timeScreen()->isLoading() && kiosk->timeScreen()->slotButton(0), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(QApplication::focusWidget(), kiosk->timeScreen()->slotButton(0), kNoHangMs);
    // The focused time is heard as the button shows it, checked now: a
    // "Now, …, ready in 4 min" counts down, and the list may be read again
    // meanwhile (another booking), so later it may say 3 min.
    QTRY_VERIFY_WITH_TIMEOUT(RecordingSpeech::said().join(u'\n').contains(
                                 KioskSpeech::textFor(kiosk->timeScreen()->slotButton(0))),
                             kNoHangMs);
    QVERIFY(choose(speech, kiosk->timeScreen()->slotButton(0)));

    // Plate: each character a key of the on-screen keyboard, then Continue.
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Plate, kNoHangMs);
    OnScreenKeyboard *keyboard = kiosk->plateScreen()->keyboard();
    const QString plate = QStringLiteral("KP45Z");
    for (const QChar c : plate)
        QVERIFY2(choose(speech, keyboard->key(QString(c))), qPrintable(QString(c)));
    QCOMPARE(kiosk->plateScreen()->plateField()->text(), plate);
    QVERIFY(choose(speech, kiosk->plateScreen()->continueButton()));

    // Pay: the reader is asked at once; the card is presented there.
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Pay, kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->payScreen()->stage() == PayScreen::Stage::OnReader
                                 && kiosk->payScreen()->paymentId() != 0,
                             kNoHangMs);
    // The reader waits for a card once carwash-server has set it going.
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->payScreen()->progress().state() == CardPaymentProgress::State::Waiting, kNoHangMs);
    const qint64 booking = kiosk->order().booking->id;
    QVERIFY2(m_stripe.presentCard(reader), qPrintable(m_stripe.lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Done, kNoHangMs);
    QVERIFY(kiosk->isVisible());

    // Exactly one booking, confirmed and paid on the reader at the database's price.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM bookings")), 1);
    QCOMPARE(one(QStringLiteral("SELECT concat_ws('|', status, plate, service_id, vehicle_class) FROM bookings "
                                "WHERE id = %1")
                     .arg(booking)),
             QStringLiteral("confirmed|%1|%2|car").arg(plate).arg(wash.id));
    const qint64 price = count(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(booking));
    QCOMPARE(one(QStringLiteral("SELECT string_agg(concat_ws('|', method, amount_cents), ',') FROM payments "
                                "WHERE booking_id = %1 AND status = 'succeeded'")
                     .arg(booking)),
             QStringLiteral("terminal|%1").arg(price));

    // What the customer heard: every screen's title, the wash with its
    // price for a car, the time, all in their language.
    QTRY_VERIFY_WITH_TIMEOUT(RecordingSpeech::said().join(u'\n').contains(kiosk->doneScreen()->title()), kNoHangMs);
    const QList<RecordedSpeech> log = RecordingSpeech::log().mid(from);
    QStringList heard;
    for (const RecordedSpeech &entry : log) {
        if (entry.kind != RecordedSpeech::Kind::Say)
            continue;
        QCOMPARE(entry.locale.language(), QLocale(language).language());
        heard << entry.text;
    }
    const QString all = heard.join(u'\n');
    for (KioskScreen *screen : std::initializer_list<KioskScreen *> {
             kiosk->washScreen(), kiosk->timeScreen(), kiosk->plateScreen(), kiosk->payScreen(), kiosk->doneScreen()})
        QVERIFY2(all.contains(screen->title()), qPrintable(screen->title() + QStringLiteral(" not in:\n") + all));
    QVERIFY2(all.contains(washTitle), qPrintable(all));
    const QString washPrice = Money::format(wash.prices.value(QStringLiteral("car")), wash.currency);
    QVERIFY2(all.contains(QStringLiteral("%1, %2").arg(wash.name, washPrice)), qPrintable(all));
    QVERIFY2(all.contains(keyboard->key(QStringLiteral("Z"))->accessibleName()), qPrintable(all));

    // Back to the start: speech off for the next customer.
    kiosk->startOver();
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Attract);
    QVERIFY(!speech->isEnabled());
    QCOMPARE(server.terminate(), 0);
}

int main(int argc, char *argv[])
{
    // The tests' own engine, as a kiosk names its engine in its environment.
    qputenv("CARWASH_SPEECH_ENGINE", RecordingSpeech::engineName);
    QApplication app(argc, argv);
    TestKioskShellKeypad test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_kioskshellkeypad.moc"
