// The desk's money at a glance and at the end of the day: the day board's
// payment badge per state (paid in full, partly, unpaid, a card payment
// under way, needs attention), read in the board's one statement and said
// in the focused block's accessible text; the Takings window (Ctrl+E) equal
// to the payments and refunds tables to the cent, its CSV equal to
// TakingsRepo's, its printout carrying the same numbers. Real windows on the
// offscreen platform, real PostgreSQL with the demo seed.
#include "db/bookings/daysnapshotrepo.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/payments/takingsrepo.h"
#include "db/payments/taxamounts.h"
#include "db/text/money.h"
#include "tests/bookingdetailsfixture.h"
#include "tests/mnemonics.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/dayboardview.h"
#include "ui/desk/takingswindow.h"

#include <QFile>
#include <QPrinter>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace DeskTest;

class TestDeskMoney : public QObject, protected BookingDetailsFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void badgeStatesFollowThePayments_data();
    void badgeStatesFollowThePayments();
    void boardSaysEachBadgeInWords();
    void attentionShowsOnANoShowBooking();
    void pricesWithoutTaxOweTheTaxOnTop();
    void takingsEqualTheTablesAndSaveAsCsv();

private:
    qint64 price(qint64 bookingId)
    {
        return sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(bookingId))
            .toLongLong();
    }
    QDate localDateOf(qint64 bookingId);
    QDate siteToday();
    qint64 cash(qint64 bookingId);
    // A booking in each payment state; the ids by state key.
    QHash<QString, qint64> bookingsInEachState();
    bool waitLoaded(DayBoardPage &page);
};

void TestDeskMoney::initTestCase()
{
    startSite(QStringLiteral("tst_deskmoney"));
}

void TestDeskMoney::init()
{
    showDesk();
}

void TestDeskMoney::cleanup()
{
    closeDesk();
}

QDate TestDeskMoney::localDateOf(qint64 bookingId)
{
    return sql(QStringLiteral("SELECT (starts_at AT TIME ZONE (SELECT value FROM site_settings WHERE key = "
                              "'site.timezone'))::date::text FROM bookings WHERE id = %1")
                   .arg(bookingId))
        .toDate();
}

QDate TestDeskMoney::siteToday()
{
    return sql(QStringLiteral("SELECT (now() AT TIME ZONE (SELECT value FROM site_settings WHERE key = "
                              "'site.timezone'))::date::text"))
        .toDate();
}

qint64 TestDeskMoney::cash(qint64 bookingId)
{
    const qint64 due = price(bookingId);
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [bookingId, due](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(bookingId, due, QStringLiteral("staff:2"));
    }));
    return paid.ok() ? paid->id : 0;
}

QHash<QString, qint64> TestDeskMoney::bookingsInEachState()
{
    QHash<QString, qint64> ids;
    ids.insert(QStringLiteral("unpaid"), book({}));
    const qint64 paid = book({});
    if (cash(paid) > 0)
        ids.insert(QStringLiteral("paid"), paid);
    // Paid, then 10.00 given back: partly paid.
    const qint64 partly = book({});
    const qint64 partlyPayment = cash(partly);
    auto refunded = await(m_pool->withConnection(QStringLiteral("refund"), [partlyPayment](QSqlDatabase &db) {
        return CardPaymentRequests(db).refundPayment(partlyPayment, 1000, QStringLiteral("test"),
                                                     QStringLiteral("staff:1"));
    }));
    if (refunded.ok())
        ids.insert(QStringLiteral("partly_paid"), partly);
    const qint64 card = book({});
    auto started = await(m_pool->withConnection(QStringLiteral("checkout"), [card](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(card, QStringLiteral("staff:2"), QStringLiteral("en"));
    }));
    if (started.ok())
        ids.insert(QStringLiteral("card_in_progress"), card);
    // Paid twice by card, the duplicate refunded by the server and marked.
    const qint64 attention = book({});
    const qint64 attentionPayment = cash(attention);
    sql(QStringLiteral("UPDATE payments SET attention = 'A second payment was refunded automatically.' "
                       "WHERE id = %1")
            .arg(attentionPayment));
    if (attentionPayment > 0)
        ids.insert(QStringLiteral("attention"), attention);
    return ids;
}

bool TestDeskMoney::waitLoaded(DayBoardPage &page)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kNoHangMs) {
        if (!page.model().isLoading() && page.model().loadedAt().isValid()
            && page.model().day().date == page.date())
            return true;
        QTest::qWait(10);
    }
    return false;
}

// --- the board -----------------------------------------------------------

void TestDeskMoney::badgeStatesFollowThePayments_data()
{
    QTest::addColumn<QString>("state");
    for (const char *state : {"unpaid", "paid", "partly_paid", "card_in_progress", "attention"})
        QTest::newRow(state) << QString::fromLatin1(state);
}

void TestDeskMoney::badgeStatesFollowThePayments()
{
    QFETCH(QString, state);
    const QHash<QString, qint64> ids = bookingsInEachState();
    QVERIFY(ids.contains(state));
    const qint64 id = ids.value(state);
    const QDate date = localDateOf(id);
    auto snapshot = await(m_pool->withConnection(
        QStringLiteral("snapshot"), [date](QSqlDatabase &db) { return DaySnapshotRepo(db).load(date); }));
    QVERIFY2(snapshot.ok(), describe(snapshot).constData());
    QVERIFY(snapshot->payments.contains(id));
    const PaymentBadge badge = snapshot->payments.value(id);
    QCOMPARE(PaymentBadge::key(badge.state), state);
    // The amounts are the tables' own.
    const qint64 paid
        = sql(QStringLiteral("SELECT coalesce(sum(amount_cents - refunded_cents), 0) FROM payments "
                             "WHERE booking_id = %1 AND status = 'succeeded'")
                  .arg(id))
              .toLongLong();
    QCOMPARE(badge.paidCents, paid);
    QCOMPARE(badge.totalCents, price(id)); // the demo's prices include the tax
    // Every booking of the day has its badge.
    QCOMPARE(snapshot->payments.size(), snapshot->bookings.size());
}

void TestDeskMoney::boardSaysEachBadgeInWords()
{
    const QHash<QString, qint64> ids = bookingsInEachState();
    QCOMPARE(ids.size(), 5);
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    DayBoardPage *board = m_window->dayBoardPage();
    const QString usd = QStringLiteral("USD");
    const QHash<QString, QString> words {
        {QStringLiteral("unpaid"),
         QStringLiteral("Unpaid: %1 due")
             .arg(Money::format(price(ids.value(QStringLiteral("unpaid"))), usd))},
        {QStringLiteral("paid"), QStringLiteral("Paid in full")},
        {QStringLiteral("partly_paid"),
         QStringLiteral("Partly paid: %1 of %2; %3 due")
             .arg(Money::format(price(ids.value(QStringLiteral("partly_paid"))) - 1000, usd),
                  Money::format(price(ids.value(QStringLiteral("partly_paid"))), usd),
                  Money::format(1000, usd))},
        {QStringLiteral("card_in_progress"), QStringLiteral("Card payment in progress")},
        {QStringLiteral("attention"),
         QStringLiteral("Payment needs attention: A second payment was refunded automatically.")},
    };
    for (auto it = ids.cbegin(); it != ids.cend(); ++it) {
        board->setDate(localDateOf(it.value()));
        QVERIFY(waitLoaded(*board));
        QVERIFY2(board->view().setFocusedBooking(it.value()), qPrintable(it.key()));
        const QString said = board->view().accessibleDescription();
        QVERIFY2(said.split(u'\n').contains(words.value(it.key())),
                 qPrintable(it.key() + QStringLiteral(": ") + said));
    }
}

void TestDeskMoney::attentionShowsOnANoShowBooking()
{
    // Money that came after a no-show is what needs a person most: the
    // faded block carries the attention badge; an unpaid no-show none.
    const QHash<QString, qint64> ids = bookingsInEachState();
    const qint64 attention = ids.value(QStringLiteral("attention"));
    const qint64 unpaid = ids.value(QStringLiteral("unpaid"));
    QVERIFY(attention > 0 && unpaid > 0);
    sql(QStringLiteral("UPDATE bookings SET status = 'no_show' WHERE id IN (%1, %2)").arg(attention).arg(unpaid));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM bookings WHERE status = 'no_show' AND id IN (%1, %2)")
                     .arg(attention)
                     .arg(unpaid))
                 .toInt(),
             2);
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    DayBoardPage *board = m_window->dayBoardPage();
    // The disc's colour left of its glyph, where paintPaymentBadge puts it.
    auto badgeShown = [&](qint64 id, PaymentBadge::State state) {
        const QColor badgeColour = DayBoardView::paymentColor(state);
        board->setDate(localDateOf(id));
        if (!waitLoaded(*board) || !board->view().setFocusedBooking(id))
            return false;
        QTest::qWait(50);
        const QRect block = board->view().blockRect(id);
        const int size = std::min(board->view().fontMetrics().height(), std::max(8, block.height() / 2));
        const QRect badge(block.right() - size - 3, block.top() + 3, size, size);
        const QColor seen = board->view().viewport()->grab().toImage().pixelColor(
            badge.left() + size / 4, badge.center().y());
        return std::abs(seen.red() - badgeColour.red()) < 24 && std::abs(seen.green() - badgeColour.green()) < 24
            && std::abs(seen.blue() - badgeColour.blue()) < 24;
    };
    QVERIFY(badgeShown(attention, PaymentBadge::State::Attention));
    QVERIFY(!badgeShown(unpaid, PaymentBadge::State::Unpaid));
}

void TestDeskMoney::pricesWithoutTaxOweTheTaxOnTop()
{
    sql(QStringLiteral("UPDATE site_settings SET value = 'false' WHERE key = 'billing.prices_include_tax'"));
    const qint64 id = book({});
    const qint64 total = TaxAmounts::compute(price(id), 825, false).totalCents;
    QVERIFY(total > price(id));
    auto badgeOf = [this, id] {
        const QDate date = localDateOf(id);
        auto snapshot = await(m_pool->withConnection(
            QStringLiteral("snapshot"), [date](QSqlDatabase &db) { return DaySnapshotRepo(db).load(date); }));
        return snapshot.ok() ? snapshot->payments.value(id) : PaymentBadge();
    };
    QCOMPARE(badgeOf().totalCents, total);
    QCOMPARE(badgeOf().state, PaymentBadge::State::Unpaid);
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [id, total](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, total, QStringLiteral("staff:2"));
    }));
    QVERIFY2(paid.ok(), describe(paid).constData());
    QCOMPARE(paid->amountCents, total);
    // Paid under the tax then in force: a later change of the setting does
    // not make it owe again.
    sql(QStringLiteral("UPDATE site_settings SET value = '20' WHERE key = 'billing.tax_rate_percent'"));
    QCOMPARE(badgeOf().state, PaymentBadge::State::Paid);
    QCOMPARE(badgeOf().totalCents, total);
}

// --- end of day --------------------------------------------------------------

void TestDeskMoney::takingsEqualTheTablesAndSaveAsCsv()
{
    bookingsInEachState(); // cash, a partial cash refund, a card payment pending
    // A card payment that succeeded today, as the server records it.
    const qint64 card = book({});
    auto started = await(m_pool->withConnection(QStringLiteral("checkout"), [card](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(card, QStringLiteral("staff:2"), QStringLiteral("en"));
    }));
    QVERIFY(started.ok());
    sql(QStringLiteral("UPDATE payments SET status = 'succeeded', paid_at = now() WHERE id = %1")
            .arg(started->paymentId));

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QVERIFY(waitLoaded(*m_window->dayBoardPage()));
    // Keyboard reachable: Ctrl+E opens it.
    QTest::keyClick(m_window.get(), Qt::Key_E, Qt::ControlModifier);
    TakingsWindow *takings = m_window->findChild<TakingsWindow *>();
    QVERIFY(takings);
    QTRY_VERIFY_WITH_TIMEOUT(!takings->isLoading() && takings->takings().has_value(), kNoHangMs);
    const QDate today = siteToday();
    QCOMPARE(takings->takings()->date, today);
    QVERIFY(Mnemonics::clashes(takings).isEmpty());

    auto repo = await(m_pool->withConnection(
        QStringLiteral("takings"), [today](QSqlDatabase &db) { return TakingsRepo(db).forDay(today); }));
    QVERIFY(repo.ok());
    QCOMPARE(takings->takings()->toJson(), repo->toJson());

    // The table equals the payments and refunds tables to the cent.
    const QString day = QStringLiteral("(%1 AT TIME ZONE (SELECT value FROM site_settings WHERE key = "
                                       "'site.timezone'))::date = '%2'");
    auto sum = [&](const QString &table, const QString &at, const QString &method, const QString &what) {
        const QString statuses = table == u"payments" ? QStringLiteral("('succeeded', 'refunded')")
                                                      : QStringLiteral("('succeeded')");
        return sql(QStringLiteral(
                       "SELECT coalesce(%1, 0) FROM %2 WHERE status IN %3 AND %4 AND (method = 'cash') = %5")
                       .arg(what, table, statuses, day.arg(at, today.toString(Qt::ISODate)),
                            method == u"cash" ? QStringLiteral("true") : QStringLiteral("false")))
            .toLongLong();
    };
    QTableWidget *table = takings->table();
    QCOMPARE(table->rowCount(), 3); // cash, card, total in the site's currency
    const QString usd = QStringLiteral("USD");
    for (const auto &[row, method] :
         {std::pair {0, QStringLiteral("cash")}, std::pair {1, QStringLiteral("card")}}) {
        const qint64 taken = sum(QStringLiteral("payments"), QStringLiteral("paid_at"), method,
                                 QStringLiteral("sum(amount_cents)"));
        const qint64 refunded = sum(QStringLiteral("refunds"), QStringLiteral("succeeded_at"), method,
                                    QStringLiteral("sum(amount_cents)"));
        QCOMPARE(table->item(row, 2)->text(),
                 QString::number(sum(QStringLiteral("payments"), QStringLiteral("paid_at"), method,
                                     QStringLiteral("count(*)"))));
        QCOMPARE(table->item(row, 3)->text(), Money::format(taken, usd));
        QCOMPARE(table->item(row, 6)->text(), Money::format(refunded, usd));
        QCOMPARE(table->item(row, 7)->text(), Money::format(taken - refunded, usd));
    }
    QVERIFY(repo->currencies.first().cash.refundedCents >= 1000);
    QVERIFY(repo->currencies.first().card.takenCents >= price(card));

    // Save CSV: byte for byte what TakingsRepo's CSV is.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("takings.csv"));
    QString error;
    QVERIFY2(takings->saveCsv(path, &error), qPrintable(error));
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), repo->toCsv().toUtf8());

    // Print: the same numbers on paper (a PDF printer here).
    const QString html = takings->documentHtml();
    QVERIFY(html.contains(Money::format(repo->currencies.first().total().netCents(), usd).toHtmlEscaped()));
    QPrinter printer(QPrinter::HighResolution);
    printer.setOutputFormat(QPrinter::PdfFormat);
    printer.setOutputFileName(dir.filePath(QStringLiteral("takings.pdf")));
    QVERIFY(takings->print(&printer));
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("takings.pdf"))).size() > 0);

    // Another day: loaded off the GUI thread, its own numbers (none).
    takings->load(today.addDays(-30));
    QTRY_VERIFY_WITH_TIMEOUT(!takings->isLoading() && takings->takings()->date == today.addDays(-30),
                             kNoHangMs);
    QCOMPARE(takings->takings()->currencies.first().total().takenCents, 0);
}

QTEST_MAIN(TestDeskMoney)
#include "tst_deskmoney.moc"
