// Cash at the desk, end to end: tax rounding, amounts typed in the desk's
// locale, quick amounts, the cash dialog showing change and marking the
// booking paid; and the rules behind it: too little or paying twice,
// change, concurrent cash on one booking, finished bookings, prices without
// tax and a paid booking repriced. Real window on the offscreen platform,
// real PostgreSQL with the demo seed; waits are bounded (QTRY_*), never
// timed.
#include "db/payments/paymentrepo.h"
#include "db/payments/taxamounts.h"
#include "db/text/bookingwords.h"
#include "db/text/money.h"
#include "tests/bookingdetailsfixture.h"
#include "tests/mnemonics.h"
#include "ui/common/receiptdocument.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/cashpaymentdialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace DeskTest;

class TestBookingDetailsCash : public QObject, protected BookingDetailsFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    // Rules without a database.
    void taxIsRoundedHalfUpToTheCent_data();
    void taxIsRoundedHalfUpToTheCent();
    void typedAmountsFollowTheLocale_data();
    void typedAmountsFollowTheLocale();
    void quickAmountsAreExactThenTheNextNotes();

    // The desk.
    void cashThroughTheDialogShowsChangeAndMarksPaid();

    // The database rules behind them.
    void cashRefusesTooLittleAndPayingTwice();
    void overTenderedCashGivesTheRightChange();
    void concurrentCashOnOneBookingMakesOnePayment();
    void cashIsRefusedForAFinishedBooking();
    void pricesWithoutTaxAreOwedWithTheTaxOnTop();
    void aPaidBookingRepricedOwesTheRestAtTheTaxItWasPaidWith();
};

void TestBookingDetailsCash::initTestCase()
{
    startSite(QStringLiteral("tst_bookingdetails_cash"));
}

void TestBookingDetailsCash::init()
{
    showDesk();
}

void TestBookingDetailsCash::cleanup()
{
    closeDesk();
}

// --- rules ------------------------------------------------------------------

void TestBookingDetailsCash::taxIsRoundedHalfUpToTheCent_data()
{
    QTest::addColumn<qint64>("price");
    QTest::addColumn<int>("rate");
    QTest::addColumn<bool>("inclusive");
    QTest::addColumn<qint64>("net");
    QTest::addColumn<qint64>("tax");
    QTest::addColumn<qint64>("total");
    auto row = [](const char *name, qint64 price, int rate, bool inclusive, qint64 net, qint64 tax,
                  qint64 total) { QTest::newRow(name) << price << rate << inclusive << net << tax << total; };
    row("0 % inclusive", 4500, 0, true, 4500, 0, 4500);
    row("0 % exclusive", 4500, 0, false, 4500, 0, 4500);
    row("8.25 % inclusive: 342.96 rounds up", 4500, 825, true, 4157, 343, 4500);
    row("8.25 % exclusive: 371.25 rounds down", 4500, 825, false, 4500, 371, 4871);
    row("8.25 % exclusive: 16.5 rounds half up", 200, 825, false, 200, 17, 217);
    row("8.25 % exclusive of one cent", 1, 825, false, 1, 0, 1);
    row("19 % inclusive exactly", 1190, 1900, true, 1000, 190, 1190);
    row("19 % exclusive exactly", 1000, 1900, false, 1000, 190, 1190);
    row("19 % exclusive: 9.5 rounds half up", 50, 1900, false, 50, 10, 60);
    row("20 % inclusive: 166.67 rounds up", 1000, 2000, true, 833, 167, 1000);
    row("20 % inclusive: 0.5 rounds half up", 3, 2000, true, 2, 1, 3);
    row("20 % exclusive", 1000, 2000, false, 1000, 200, 1200);
    row("20 % exclusive: 0.2 rounds down", 1, 2000, false, 1, 0, 1);
    row("free", 0, 825, true, 0, 0, 0);
}

void TestBookingDetailsCash::taxIsRoundedHalfUpToTheCent()
{
    QFETCH(qint64, price);
    QFETCH(int, rate);
    QFETCH(bool, inclusive);
    const TaxAmounts amounts = TaxAmounts::compute(price, rate, inclusive);
    QTEST(amounts.netCents, "net");
    QTEST(amounts.taxCents, "tax");
    QTEST(amounts.totalCents, "total");
    QCOMPARE(amounts.netCents + amounts.taxCents, amounts.totalCents);
}

void TestBookingDetailsCash::typedAmountsFollowTheLocale_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("cents"); // -1: refused
    QTest::newRow("whole") << QStringLiteral("en_US") << QStringLiteral("20") << qint64(2000);
    QTest::newRow("one decimal") << QStringLiteral("en_US") << QStringLiteral("20.5") << qint64(2050);
    QTest::newRow("grouped") << QStringLiteral("en_US") << QStringLiteral("1,234.50") << qint64(123450);
    QTest::newRow("three decimals") << QStringLiteral("en_US") << QStringLiteral("20.505") << qint64(-1);
    QTest::newRow("negative") << QStringLiteral("en_US") << QStringLiteral("-5") << qint64(-1);
    QTest::newRow("words") << QStringLiteral("en_US") << QStringLiteral("twenty") << qint64(-1);
    QTest::newRow("empty") << QStringLiteral("en_US") << QStringLiteral("") << qint64(-1);
    QTest::newRow("German comma") << QStringLiteral("de_DE") << QStringLiteral("20,50") << qint64(2050);
    QTest::newRow("German grouped") << QStringLiteral("de_DE") << QStringLiteral("1.234,50")
                                    << qint64(123450);
    QTest::newRow("German with a point") << QStringLiteral("de_DE") << QStringLiteral("20.5") << qint64(2050);
    QTest::newRow("German three decimals")
        << QStringLiteral("de_DE") << QStringLiteral("20,505") << qint64(-1);
}

void TestBookingDetailsCash::typedAmountsFollowTheLocale()
{
    QFETCH(QString, locale);
    QFETCH(QString, text);
    QFETCH(qint64, cents);
    const std::optional<qint64> parsed = CashPaymentDialog::parseAmount(text, QLocale(locale));
    QCOMPARE(parsed.value_or(-1), cents);
}

void TestBookingDetailsCash::quickAmountsAreExactThenTheNextNotes()
{
    QCOMPARE(CashPaymentDialog::quickAmounts(4500), (QList<qint64> {4500, 5000, 6000}));
    QCOMPARE(CashPaymentDialog::quickAmounts(4871), (QList<qint64> {4871, 5000, 6000}));
    QCOMPARE(CashPaymentDialog::quickAmounts(2000), (QList<qint64> {2000, 2500, 3000, 4000}));
}

// --- the desk ------------------------------------------------------------

void TestBookingDetailsCash::cashThroughTheDialogShowsChangeAndMarksPaid()
{
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    QCOMPARE(dialog->details()->dueCents(), price); // the demo's prices include tax
    CashPaymentDialog *cash = dialog->openCashPayment();
    QVERIFY(cash);
    QCOMPARE(cash->dueCents(), price);
    auto *take = button(cash, QStringLiteral("takePaymentButton"));
    auto *tendered = cash->findChild<QLineEdit *>(QStringLiteral("cashTendered"));
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(tendered));
    QVERIFY(!take->isEnabled());
    // Too little: the button stays off and says how much is missing.
    QTest::keyClicks(tendered, QLocale().toString(double(price - 100) / 100.0, 'f', 2));
    QVERIFY(!take->isEnabled());
    QVERIFY(
        cash->findChild<QLabel *>(QStringLiteral("cashChange"))->text().contains(QStringLiteral("short")));
    QVERIFY(!cash->takePayment());
    QVERIFY(cash->messageText().contains(QStringLiteral("less than")));
    // Enough: a whole note more.
    const qint64 given = (price / 1000 + 1) * 1000 + 1000;
    tendered->clear();
    QTest::keyClicks(tendered, QLocale().toString(double(given) / 100.0, 'f', 2));
    QVERIFY(take->isEnabled());
    QCOMPARE(cash->findChild<QLabel *>(QStringLiteral("cashChange"))->text(),
             Money::format(given - price, QStringLiteral("USD")));
    QSignalSpy paid(cash, &CashPaymentDialog::paid);
    QTest::keyClick(tendered, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(paid.count(), 1, kNoHangMs);
    QCOMPARE(cash->payment()->amountCents, price);
    QCOMPARE(cash->payment()->changeCents(), given - price);
    QVERIFY(cash->findChild<QLabel *>(QStringLiteral("cashDoneChange"))->isVisible());
    QCOMPARE(cash->findChild<QLabel *>(QStringLiteral("cashDoneChange"))->text(),
             QStringLiteral("Change: %1").arg(Money::format(given - price, QStringLiteral("USD"))));
    QVERIFY(button(cash, QStringLiteral("cashPrintReceipt"))->isVisible());
    QVERIFY(button(cash, QStringLiteral("cashSaveReceipt"))->isVisible());
    // Paid: the receipt buttons and Done each have a letter of their own.
    QVERIFY2(Mnemonics::clashes(cash).isEmpty(), qPrintable(Mnemonics::clashes(cash).join(u'\n')));

    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1 AND method = 'cash' AND "
                                "status = 'succeeded' AND amount_cents = %2 AND tendered_cents = %3 AND "
                                "created_by = '%4' AND paid_at IS NOT NULL")
                     .arg(id)
                     .arg(price)
                     .arg(given)
                     .arg(m_window->signedIn()->actor()))
                 .toInt(),
             1);
    QCOMPARE(
        sql(QStringLiteral("SELECT (details->>'change_cents')::bigint FROM audit_log WHERE entity_id = '%1' "
                           "AND action = 'payment.cash'")
                .arg(id))
            .toLongLong(),
        given - price);
    // The booking shows paid, offers the receipt, no more cash.
    QTRY_COMPARE_WITH_TIMEOUT(dialog->findChild<QLabel *>(QStringLiteral("bookingField_payment"))->text(),
                              QStringLiteral("Paid"), kNoHangMs);
    QTRY_VERIFY(!dialog->isBusy());
    QVERIFY(!button(dialog, QStringLiteral("bookingTakeCash"))->isVisible());
    QVERIFY(button(dialog, QStringLiteral("bookingPrintReceipt"))->isVisible());
    QVERIFY(button(dialog, QStringLiteral("bookingSaveReceipt"))->isVisible());
    QCOMPARE(dialog->findChild<QTreeWidget *>(QStringLiteral("bookingPayments"))->topLevelItemCount(), 1);
}

// --- the database rules ---------------------------------------------------

void TestBookingDetailsCash::cashRefusesTooLittleAndPayingTwice()
{
    const qint64 id = book({});
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    auto pay = [this, id](qint64 tendered) {
        return await(m_pool->withConnection(QStringLiteral("cash"), [id, tendered](QSqlDatabase &db) {
            return PaymentRepo(db).recordCash(id, tendered, QStringLiteral("staff:2"));
        }));
    };
    const DbResult<Payment> tooLittle = pay(price - 1);
    QVERIFY(!tooLittle.ok());
    QCOMPARE(tooLittle.error().kind(), DbError::Kind::Invalid);
    QVERIFY(tooLittle.error().message().contains(QStringLiteral("is due")));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)).toInt(), 0);

    const DbResult<Payment> exact = pay(price);
    QVERIFY2(exact.ok(), describe(exact).constData());
    QCOMPARE(exact->amountCents, price);
    QCOMPARE(exact->changeCents(), qint64(0));
    QCOMPARE(exact->method, QStringLiteral("cash"));
    QVERIFY(exact->succeeded());

    const DbResult<Payment> again = pay(price);
    QVERIFY(!again.ok());
    QVERIFY(again.error().message().contains(QStringLiteral("already paid")));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)).toInt(), 1);

    auto details = await(m_pool->withConnection(
        QStringLiteral("details"), [id](QSqlDatabase &db) { return PaymentRepo(db).details(id); }));
    QVERIFY(details.ok());
    QVERIFY(details->isPaid());
    QCOMPARE(details->paidCents, price);
    QCOMPARE(details->payments.size(), 1);
}

void TestBookingDetailsCash::overTenderedCashGivesTheRightChange()
{
    const qint64 id = book({});
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    const qint64 given = price + 1234;
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [id, given](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, given, QStringLiteral("staff:2"));
    }));
    QVERIFY2(paid.ok(), describe(paid).constData());
    QCOMPARE(paid->amountCents, price);
    QCOMPARE(*paid->tenderedCents, given);
    QCOMPARE(paid->changeCents(), qint64(1234));
    QCOMPARE(
        sql(QStringLiteral("SELECT amount_cents FROM payments WHERE booking_id = %1").arg(id)).toLongLong(),
        price);
}

void TestBookingDetailsCash::concurrentCashOnOneBookingMakesOnePayment()
{
    const qint64 id = book({});
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    QList<QFuture<DbResult<Payment>>> futures;
    for (int i = 0; i < 4; ++i) {
        futures << m_pool->withRetry(
            QStringLiteral("cash"), RetryPolicy::standard(), [id, price](QSqlDatabase &db) {
                return PaymentRepo(db).recordCash(id, price + 500, QStringLiteral("staff:2"));
            });
    }
    int ok = 0;
    for (const auto &f : futures) {
        const DbResult<Payment> r = await(f);
        if (r.ok())
            ++ok;
        else
            QCOMPARE(r.error().kind(), DbError::Kind::Invalid);
    }
    QCOMPARE(ok, 1);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)).toInt(), 1);
    QCOMPARE(sql(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND action = 'payment.cash'")
                     .arg(id))
                 .toInt(),
             1);
}

void TestBookingDetailsCash::cashIsRefusedForAFinishedBooking()
{
    for (const QString &status :
         {QStringLiteral("cancelled"), QStringLiteral("no_show"), QStringLiteral("expired")}) {
        const qint64 id = book({});
        sql(QStringLiteral("UPDATE bookings SET status = '%1' WHERE id = %2").arg(status).arg(id));
        auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [id](QSqlDatabase &db) {
            return PaymentRepo(db).recordCash(id, 100000, QStringLiteral("staff:2"));
        }));
        QVERIFY(!paid.ok());
        QCOMPARE(paid.error().kind(), DbError::Kind::Invalid);
        // In words, never the stored code.
        QVERIFY2(paid.error().message().contains(BookingWords::status(status)),
                 qPrintable(paid.error().message()));
        QVERIFY2(!paid.error().message().contains(status), qPrintable(paid.error().message()));
        QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payments WHERE booking_id = %1").arg(id)).toInt(),
                 0);
    }
    // A kiosk hold paid at the desk is confirmed by it.
    const qint64 held = book({});
    sql(QStringLiteral("UPDATE bookings SET status = 'held', hold_expires_at = now() + interval '5 minutes' "
                       "WHERE id = %1")
            .arg(held));
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [held](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(held, 100000, QStringLiteral("staff:2"));
    }));
    QVERIFY2(paid.ok(), describe(paid).constData());
    QCOMPARE(statusOf(held), QStringLiteral("confirmed"));
}

void TestBookingDetailsCash::pricesWithoutTaxAreOwedWithTheTaxOnTop()
{
    sql(QStringLiteral("UPDATE site_settings SET value = 'false' WHERE key = 'billing.prices_include_tax'"));
    const qint64 id = book({});
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    const TaxAmounts owed = TaxAmounts::compute(price, 825, false);
    QVERIFY(owed.totalCents > price);
    auto details = await(m_pool->withConnection(
        QStringLiteral("details"), [id](QSqlDatabase &db) { return PaymentRepo(db).details(id); }));
    QCOMPARE(details->dueCents(), owed.totalCents);
    auto short_ = await(m_pool->withConnection(QStringLiteral("cash"), [id, price](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, price, QStringLiteral("staff:2"));
    }));
    QVERIFY(!short_.ok()); // the price alone is not enough
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [id, owed](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, owed.totalCents, QStringLiteral("staff:2"));
    }));
    QVERIFY2(paid.ok(), describe(paid).constData());
    QCOMPARE(paid->amountCents, owed.totalCents);
    auto receipt = await(m_pool->withConnection(
        QStringLiteral("receipt"), [id](QSqlDatabase &db) { return PaymentRepo(db).receipt(id); }));
    const QString text = ReceiptDocument(receipt.value()).toPlainText();
    QVERIFY2(text.contains(QStringLiteral("Tax (8.25 %)")), qPrintable(text));
    QVERIFY(text.contains(Money::format(owed.taxCents, QStringLiteral("USD"))));
    QVERIFY(text.contains(Money::format(owed.totalCents, QStringLiteral("USD"))));
}

void TestBookingDetailsCash::aPaidBookingRepricedOwesTheRestAtTheTaxItWasPaidWith()
{
    sql(QStringLiteral("UPDATE site_settings SET value = 'false' WHERE key = 'billing.prices_include_tax'"));
    const qint64 id = book({});
    QVERIFY(id > 0);
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    const TaxAmounts owed = TaxAmounts::compute(price, 825, false);
    auto pay = [this, id](qint64 tendered) {
        return await(m_pool->withConnection(QStringLiteral("cash"), [id, tendered](QSqlDatabase &db) {
            return PaymentRepo(db).recordCash(id, tendered, QStringLiteral("staff:2"));
        }));
    };
    const DbResult<Payment> first = pay(owed.totalCents);
    QVERIFY2(first.ok(), describe(first).constData());
    // The tax changes, then the booking's price does (nothing in the
    // program does that today; the database allows it).
    sql(QStringLiteral("UPDATE site_settings SET value = '20' WHERE key = 'billing.tax_rate_percent'"));
    sql(QStringLiteral("UPDATE site_settings SET value = 'true' WHERE key = 'billing.prices_include_tax'"));
    sql(QStringLiteral("UPDATE bookings SET price_cents = price_cents + 1000 WHERE id = %1").arg(id));
    const TaxAmounts repriced = TaxAmounts::compute(price + 1000, 825, false);
    auto details = await(m_pool->withConnection(
        QStringLiteral("details"), [id](QSqlDatabase &db) { return PaymentRepo(db).details(id); }));
    QVERIFY2(details.ok(), describe(details).constData());
    QVERIFY(details->chargeRecorded);
    QCOMPARE(details->taxRateBasisPoints, 825);
    QCOMPARE(details->pricesIncludeTax, false);
    QCOMPARE(details->amounts.totalCents, repriced.totalCents);
    QCOMPARE(details->dueCents(), repriced.totalCents - owed.totalCents);
    QVERIFY(details->acceptsPayment());

    const DbResult<Payment> rest = pay(details->dueCents());
    QVERIFY2(rest.ok(), describe(rest).constData());
    QCOMPARE(rest->amountCents, repriced.totalCents - owed.totalCents);
    QCOMPARE(rest->taxRateBasisPoints, 825);
    QCOMPARE(rest->charged.totalCents, repriced.totalCents);
    auto receipt = await(m_pool->withConnection(
        QStringLiteral("receipt"), [id](QSqlDatabase &db) { return PaymentRepo(db).receipt(id); }));
    QVERIFY2(receipt.ok(), describe(receipt).constData());
    QCOMPARE(receipt->amounts.taxCents, repriced.taxCents);
    QCOMPARE(receipt->paidCents, repriced.totalCents);
    QCOMPARE(receipt->dueCents(), qint64(0));
    QCOMPARE(receipt->payments.size(), 2);
}

QTEST_MAIN(TestBookingDetailsCash)
#include "tst_bookingdetails_cash.moc"
