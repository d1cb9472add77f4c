// A booking's details at the desk, end to end: the lifecycle steps its
// status allows (each audited in the signed-in person's name), no-show and
// cancelling with a reason, a change made meanwhile by another desk, a
// forgotten customer's booking, one dialog per booking, and every mnemonic of the desk's booking dialogs
// given to one control. Real window on the offscreen platform, real
// PostgreSQL with the demo seed; waits are bounded (QTRY_*), never timed.
#include "db/bookings/bookingrepo.h"
#include "db/customers/customereraser.h"
#include "tests/bookingdetailsfixture.h"
#include "tests/mnemonics.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/cashpaymentdialog.h"
#include "ui/desk/rescheduledialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace DeskTest;

class TestBookingDetailsLifecycle : public QObject, protected BookingDetailsFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    // The desk.
    void onlyTheAllowedStepsAreOffered_data();
    void onlyTheAllowedStepsAreOffered();
    void eachStepIsAuditedInTheSignedInPersonsName();
    void noShowIsAudited();
    void cancellingNeedsAReasonWhichIsKept();
    void aChangeByAnotherDeskIsRefusedAndTheNewStateShown();
    void aForgottenCustomersBookingShowsNothingOfTheirs();
    void oneDialogPerBookingAndNoneAfterSignOut();
    void eachDialogGivesEveryMnemonicToOneControl();
};

void TestBookingDetailsLifecycle::initTestCase()
{
    startSite(QStringLiteral("tst_bookingdetails_lifecycle"));
}

void TestBookingDetailsLifecycle::init()
{
    showDesk();
}

void TestBookingDetailsLifecycle::cleanup()
{
    closeDesk();
}

// --- the desk ------------------------------------------------------------

void TestBookingDetailsLifecycle::onlyTheAllowedStepsAreOffered_data()
{
    QTest::addColumn<QString>("status");
    QTest::addColumn<QStringList>("offered");
    QTest::addColumn<bool>("movable");
    QTest::addColumn<bool>("payable");
    QTest::newRow("held") << QStringLiteral("held") << QStringList {QStringLiteral("cancelled")} << true
                          << true;
    QTest::newRow("confirmed") << QStringLiteral("confirmed")
                               << QStringList {QStringLiteral("checked_in"), QStringLiteral("no_show"),
                                               QStringLiteral("cancelled")}
                               << true << true;
    QTest::newRow("checked in") << QStringLiteral("checked_in")
                                << QStringList {QStringLiteral("in_progress"), QStringLiteral("cancelled")}
                                << false << true;
    QTest::newRow("in progress") << QStringLiteral("in_progress") << QStringList {QStringLiteral("completed")}
                                 << false << true;
    QTest::newRow("completed") << QStringLiteral("completed") << QStringList {} << false << true;
    QTest::newRow("cancelled") << QStringLiteral("cancelled") << QStringList {} << false << false;
    QTest::newRow("no-show") << QStringLiteral("no_show") << QStringList {} << false << false;
    QTest::newRow("expired") << QStringLiteral("expired") << QStringList {} << false << false;
}

void TestBookingDetailsLifecycle::onlyTheAllowedStepsAreOffered()
{
    QFETCH(QString, status);
    QFETCH(QStringList, offered);
    QFETCH(bool, movable);
    QFETCH(bool, payable);
    const qint64 id = book({});
    QVERIFY(id > 0);
    sql(QStringLiteral("UPDATE bookings SET status = '%1', hold_expires_at = CASE WHEN '%1' = 'held' "
                       "THEN now() + interval '1 hour' ELSE hold_expires_at END WHERE id = %2")
            .arg(status)
            .arg(id));
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QCOMPARE(dialog->details()->booking.status, status);
    QCOMPARE(dialog->offeredTransitions(), offered);
    for (const QString &step :
         {QStringLiteral("checked_in"), QStringLiteral("in_progress"), QStringLiteral("completed"),
          QStringLiteral("no_show"), QStringLiteral("cancelled")}) {
        QPushButton *b = button(dialog, QStringLiteral("bookingAction_%1").arg(step));
        QVERIFY(b);
        QCOMPARE(!b->isHidden(), offered.contains(step));
        QVERIFY(!b->isHidden() == b->isVisible()); // the dialog is on screen
        if (b->isVisible()) {
            QVERIFY(b->isEnabled());
            QVERIFY2(b->text().contains(u'&'), qPrintable(b->text())); // a mnemonic
        }
    }
    QCOMPARE(button(dialog, QStringLiteral("bookingReschedule"))->isVisible(), movable);
    QCOMPARE(button(dialog, QStringLiteral("bookingTakeCash"))->isVisible(), payable);
    // Unpaid: no receipt to print, and never a button for something that
    // does not exist yet (card).
    QVERIFY(!button(dialog, QStringLiteral("bookingPrintReceipt"))->isVisible());
    QVERIFY(!button(dialog, QStringLiteral("bookingSaveReceipt"))->isVisible());
    for (QPushButton *b : dialog->findChildren<QPushButton *>())
        QVERIFY2(!b->text().contains(QStringLiteral("card"), Qt::CaseInsensitive), qPrintable(b->text()));
}

void TestBookingDetailsLifecycle::eachStepIsAuditedInTheSignedInPersonsName()
{
    const qint64 id = book({});
    QVERIFY(id > 0);
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Priya Patel")));
    const QString actor = m_window->signedIn()->actor();
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    auto *field = dialog->findChild<QLabel *>(QStringLiteral("bookingField_status"));
    QCOMPARE(field->text(), QStringLiteral("Confirmed"));
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("bookingField_customer"))->text() == u"Alex Kim");
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("bookingField_payment"))->text().startsWith(u"Due: "));

    const QList<QPair<QString, QString>> steps
        = {{QStringLiteral("checked_in"), QStringLiteral("Checked in")},
           {QStringLiteral("in_progress"), QStringLiteral("In progress")},
           {QStringLiteral("completed"), QStringLiteral("Completed")}};
    QString from = QStringLiteral("confirmed");
    for (const auto &[status, text] : steps) {
        QSignalSpy finished(dialog, &BookingDetailsDialog::actionFinished);
        QTest::mouseClick(button(dialog, QStringLiteral("bookingAction_%1").arg(status)), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kNoHangMs);
        QCOMPARE(finished.first().first().toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(field->text(), text, kNoHangMs);
        QCOMPARE(statusOf(id), status);
        QCOMPARE(
            sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND entity_id = '%1' "
                               "AND action = 'booking.status' AND actor = '%2' AND details->>'from' = '%3' "
                               "AND details->>'to' = '%4'")
                    .arg(id)
                    .arg(actor, from, status))
                .toInt(),
            1);
        from = status;
    }
    // The history shows each step with the person's name.
    QTRY_VERIFY(!dialog->isBusy());
    auto *history = dialog->findChild<QTreeWidget *>(QStringLiteral("bookingHistory"));
    QCOMPARE(history->topLevelItemCount(), 4); // booked + three steps
    QCOMPARE(history->topLevelItem(3)->text(1), QStringLiteral("Priya Patel"));
    QCOMPARE(history->topLevelItem(3)->text(2), QStringLiteral("Completed"));
    QCOMPARE(dialog->offeredTransitions(), QStringList());
}

void TestBookingDetailsLifecycle::noShowIsAudited()
{
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QSignalSpy finished(dialog, &BookingDetailsDialog::actionFinished);
    // Keyboard: the mnemonic.
    QTest::keyClick(dialog, Qt::Key_N, Qt::AltModifier);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kNoHangMs);
    QCOMPARE(statusOf(id), QStringLiteral("no_show"));
    QCOMPARE(
        sql(QStringLiteral("SELECT actor FROM audit_log WHERE entity_id = '%1' AND action = 'booking.status' "
                           "AND details->>'to' = 'no_show'")
                .arg(id))
            .toString(),
        m_window->signedIn()->actor());
}

void TestBookingDetailsLifecycle::cancellingNeedsAReasonWhichIsKept()
{
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QTest::mouseClick(button(dialog, QStringLiteral("bookingAction_cancelled")), Qt::LeftButton);
    auto *reason = dialog->findChild<QLineEdit *>(QStringLiteral("cancelReason"));
    QVERIFY(reason->isVisible());
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(reason));
    // No reason: refused, nothing written.
    QTest::keyClicks(reason, QStringLiteral("   "));
    QTest::mouseClick(button(dialog, QStringLiteral("confirmCancel")), Qt::LeftButton);
    QVERIFY(dialog->messageText().contains(QStringLiteral("reason")));
    QVERIFY(!dialog->isBusy());
    QCOMPARE(statusOf(id), QStringLiteral("confirmed"));
    QCOMPARE(sql(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND action = 'booking.status'")
                     .arg(id))
                 .toInt(),
             0);
    // With a reason (Enter sends it).
    QSignalSpy finished(dialog, &BookingDetailsDialog::actionFinished);
    reason->clear();
    QTest::keyClicks(reason, QStringLiteral("Customer called: car broke down"));
    QTest::keyClick(reason, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kNoHangMs);
    QCOMPARE(statusOf(id), QStringLiteral("cancelled"));
    QCOMPARE(sql(QStringLiteral("SELECT details->>'reason' FROM audit_log WHERE entity_id = '%1' "
                                "AND action = 'booking.status' AND actor = '%2'")
                     .arg(id)
                     .arg(m_window->signedIn()->actor()))
                 .toString(),
             QStringLiteral("Customer called: car broke down"));
    QTRY_VERIFY(!dialog->isBusy());
    QVERIFY(!reason->isVisible());
    QCOMPARE(dialog->offeredTransitions(), QStringList());
    QVERIFY(!button(dialog, QStringLiteral("bookingTakeCash"))->isVisible());
}

void TestBookingDetailsLifecycle::aChangeByAnotherDeskIsRefusedAndTheNewStateShown()
{
    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QCOMPARE(
        dialog->offeredTransitions(),
        (QStringList {QStringLiteral("checked_in"), QStringLiteral("no_show"), QStringLiteral("cancelled")}));
    // Another desk cancels it meanwhile.
    auto other = await(m_pool->withConnection(QStringLiteral("other desk"), [id](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(QString::number(id), QStringLiteral("cancelled"),
                                            QStringLiteral("staff:999"), QStringLiteral("phoned"));
    }));
    QVERIFY2(other.ok(), describe(other).constData());

    QSignalSpy finished(dialog, &BookingDetailsDialog::actionFinished);
    QTest::mouseClick(button(dialog, QStringLiteral("bookingAction_checked_in")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kNoHangMs);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY2(dialog->messageText().contains(QStringLiteral("Cancelled")), qPrintable(dialog->messageText()));
    QCOMPARE(statusOf(id), QStringLiteral("cancelled"));
    // The fresh state, and nothing left to offer.
    QTRY_COMPARE_WITH_TIMEOUT(dialog->details()->booking.status, QStringLiteral("cancelled"), kNoHangMs);
    QTRY_VERIFY(!dialog->isBusy());
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("bookingField_status"))->text(),
             QStringLiteral("Cancelled"));
    QCOMPARE(dialog->offeredTransitions(), QStringList());
    QCOMPARE(sql(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND action = 'booking.status'")
                     .arg(id))
                 .toInt(),
             1);
}

void TestBookingDetailsLifecycle::aForgottenCustomersBookingShowsNothingOfTheirs()
{
    const qint64 id = book(QStringLiteral("FGT 1"));
    QVERIFY(id > 0);
    const qint64 customer
        = sql(QStringLiteral("SELECT customer_id FROM bookings WHERE id = %1").arg(id)).toLongLong();
    ForgetTarget target;
    target.id = customer;
    const auto forgotten = await(m_pool->withConnection(QStringLiteral("forget"), [target](QSqlDatabase &db) {
        return CustomerEraser(db).forget(target, QStringLiteral("cli"));
    }));
    QVERIFY2(forgotten.ok(), qPrintable(forgotten.error().toLogString()));
    const QString placeholder = CustomerEraser::placeholderPlate(
        sql(QStringLiteral("SELECT vehicle_id FROM bookings WHERE id = %1").arg(id)).toLongLong());

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Priya Patel")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    auto field = [dialog](const char *key) {
        return dialog->findChild<QLabel *>(QStringLiteral("bookingField_%1").arg(QLatin1String(key)))->text();
    };
    QCOMPARE(field("customer"), QStringLiteral("Erased customer"));
    QCOMPARE(field("phone"), QStringLiteral("—"));
    QCOMPARE(field("email"), QStringLiteral("—"));
    QVERIFY2(field("vehicle").contains(placeholder), qPrintable(field("vehicle")));
    QVERIFY2(!field("vehicle").contains(QStringLiteral("FGT1")), qPrintable(field("vehicle")));
    // Still a booking to work with: its steps are offered as before.
    QVERIFY(button(dialog, QStringLiteral("bookingAction_checked_in"))->isVisible());
}

void TestBookingDetailsLifecycle::oneDialogPerBookingAndNoneAfterSignOut()
{
    const qint64 id = book({});
    QCOMPARE(m_window->openBooking(id), nullptr); // nobody signed in
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QPointer<BookingDetailsDialog> first = m_window->openBooking(id);
    QVERIFY(first);
    QCOMPARE(m_window->openBooking(id), first.data());
    m_window->signOut();
    QTRY_VERIFY(!first);
}

void TestBookingDetailsLifecycle::eachDialogGivesEveryMnemonicToOneControl()
{
    QCOMPARE(Mnemonics::letterOf(QStringLiteral("Save receipt P&DF…")), QChar(u'd'));
    QCOMPARE(Mnemonics::letterOf(QStringLiteral("Fish && &Chips")), QChar(u'c'));
    QVERIFY(Mnemonics::letterOf(QStringLiteral("Fish && Chips")).isNull());

    const qint64 id = book({});
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));
    // With the reason form open ("Cancellation reason:" next to "Reschedule…").
    QVERIFY(dialog->startCancel());
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));

    RescheduleDialog *move = dialog->openReschedule();
    QVERIFY(move);
    QTRY_VERIFY_WITH_TIMEOUT(!move->isBusy(), kNoHangMs);
    QVERIFY2(Mnemonics::clashes(move).isEmpty(), qPrintable(Mnemonics::clashes(move).join(u'\n')));
    move->close();

    CashPaymentDialog *cash = dialog->openCashPayment();
    QVERIFY(cash);
    QVERIFY2(Mnemonics::clashes(cash).isEmpty(), qPrintable(Mnemonics::clashes(cash).join(u'\n')));
    cash->close();
}

QTEST_MAIN(TestBookingDetailsLifecycle)
#include "tst_bookingdetails_lifecycle.moc"
