// Find at the front desk, and the walk-in and Find dialogs as a whole: every
// mnemonic given once, only for signed-in people and closed on sign-out;
// finding by plate, code, phone and name, SQL and wildcards taken as plain
// text, a result chosen by keyboard. The real desk window on the offscreen
// platform, a real PostgreSQL with the demo catalogue; the bookings found are
// made by a second pool through the booking engine. Waits are bounded
// (QTRY_*).
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingsearch.h"
#include "tests/mnemonics.h"
#include "tests/walkinfixture.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/finddialog.h"
#include "ui/desk/sessionheader.h"
#include "ui/desk/walkindialog.h"

#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace DeskTest;

class TestWalkInFind : public QObject, protected WalkInFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startSite(QStringLiteral("tst_walkin_find")); }
    void init() { openDesk(); }
    void cleanup() { closeDesk(); }
    void walkInAndFindGiveEveryMnemonicToOneControl();

    void theDialogsAreForSignedInPeopleAndCloseOnSignOut();
    void findByPlateCodePhoneAndName();
    void findTreatsSqlAndWildcardsAsPlainText();
    void choosingAResultByKeyboardEmitsItsId();
};

void TestWalkInFind::walkInAndFindGiveEveryMnemonicToOneControl()
{
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    WalkInDialog *dialog = openWalkInByKeyboard();
    QVERIFY(dialog);
    QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), qPrintable(Mnemonics::clashes(dialog).join(u'\n')));
    FindDialog *find = m_window->openFind();
    QVERIFY(find);
    QVERIFY2(Mnemonics::clashes(find).isEmpty(), qPrintable(Mnemonics::clashes(find).join(u'\n')));
}

void TestWalkInFind::theDialogsAreForSignedInPeopleAndCloseOnSignOut()
{
    // On the sign-in page the keys do nothing.
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(!m_window->findChild<WalkInDialog *>());
    QVERIFY(!m_window->findChild<FindDialog *>());
    QVERIFY(!m_window->openWalkIn());
    QVERIFY(!m_window->openFind());

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    // The header's buttons say their keys.
    auto *walkInButton
        = m_window->sessionHeader()->findChild<QPushButton *>(QStringLiteral("newWalkInButton"));
    auto *findButton = m_window->sessionHeader()->findChild<QPushButton *>(QStringLiteral("findButton"));
    QVERIFY(walkInButton && walkInButton->toolTip().contains(QStringLiteral("Ctrl+N")));
    QVERIFY(findButton && findButton->toolTip().contains(QStringLiteral("Ctrl+F")));
    QTest::mouseClick(walkInButton, Qt::LeftButton);
    QPointer<WalkInDialog> walkIn = m_window->findChild<WalkInDialog *>();
    QVERIFY(walkIn);
    QTRY_VERIFY(walkIn->isVisible());
    // Opening again brings back the same one, with what was typed.
    QTest::keyClicks(walkIn->findChild<QLineEdit *>(QStringLiteral("plateField")), QStringLiteral("KEEP1"));
    QCOMPARE(m_window->openWalkIn(), walkIn.data());
    QCOMPARE(walkIn->findChild<QLineEdit *>(QStringLiteral("plateField"))->text(), QStringLiteral("KEEP1"));
    walkIn->close();
    QTRY_VERIFY(!walkIn);
    // A window manager gives the focus back to the desk; offscreen, the test does.
    m_window->activateWindow();
    QTRY_VERIFY(m_window->isActiveWindow());

    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QPointer<FindDialog> find = m_window->findChild<FindDialog *>();
    QVERIFY(find);
    QTRY_VERIFY(find->isVisible());
    QTRY_VERIFY(find->isActiveWindow());
    QCOMPARE(focused(), static_cast<QWidget *>(find->findChild<QLineEdit *>(QStringLiteral("findField"))));
    walkIn = m_window->openWalkIn();
    QVERIFY(walkIn);

    // Whoever comes next finds neither open.
    m_window->signOut();
    QTRY_VERIFY(!walkIn);
    QTRY_VERIFY(!find);
}

void TestWalkInFind::findByPlateCodePhoneAndName()
{
    const qint64 deluxe = serviceId(QStringLiteral("Deluxe Wash"));
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [deluxe](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = deluxe;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(next.result().ok() && next.result()->has_value());
    const Booking target = bookOutside(deluxe, 0, (*next.result())->start, QStringLiteral("FND123"),
                                       QStringLiteral("Quinn Findley"), QStringLiteral("+1 (555) 010-9988"));
    QVERIFY(target.id != 0);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    FindDialog *find = m_window->findChild<FindDialog *>();
    QVERIFY(find);
    QCOMPARE(find->statusText().contains(QStringLiteral("at least")), true);

    const QStringList texts
        = {QStringLiteral("fnd 123"),    QStringLiteral("FND1"),     target.code.toLower(),
           QStringLiteral("5550109988"), QStringLiteral("010-9988"), QStringLiteral("findley"),
           QStringLiteral("Quinn F")};
    for (const QString &text : texts) {
        QSignalSpy searched(find, &FindDialog::searched);
        find->setSearchText(text);
        QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
        const QList<BookingMatch> results = find->results();
        const bool found = std::any_of(results.cbegin(), results.cend(),
                                       [&](const BookingMatch &m) { return m.id == target.id; });
        QVERIFY2(found, qPrintable(text));
        const auto *list = find->findChild<QTreeWidget *>(QStringLiteral("findResults"));
        QCOMPARE(list->topLevelItemCount(), int(results.size()));
    }
    // By code, with what the desk recognises it by.
    QSignalSpy searched(find, &FindDialog::searched);
    find->setSearchText(target.code);
    QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
    const QList<BookingMatch> results = find->results();
    const auto at = std::find_if(results.cbegin(), results.cend(),
                                 [&](const BookingMatch &m) { return m.id == target.id; });
    QVERIFY(at != results.cend());
    const BookingMatch match = *at;
    QCOMPARE(match.plate, QStringLiteral("FND123"));
    QCOMPARE(match.customerName, QStringLiteral("Quinn Findley"));
    QCOMPARE(match.serviceName, QStringLiteral("Deluxe Wash"));
    QCOMPARE(match.status, QStringLiteral("confirmed"));
    const auto *row = find->findChild<QTreeWidget *>(QStringLiteral("findResults"))
                          ->topLevelItem(int(at - results.cbegin()));
    QCOMPARE(row->text(1), target.code);
    QCOMPARE(row->text(5), QStringLiteral("Confirmed"));
}

void TestWalkInFind::findTreatsSqlAndWildcardsAsPlainText()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express](QSqlDatabase &db) {
        AvailabilityRequest request;
        request.serviceId = express;
        return AvailabilityRepo(db).next(request);
    });
    QVERIFY(finishes(next));
    QVERIFY(bookOutside(express, 0, (*next.result())->start, QStringLiteral("WILD12"),
                        QStringLiteral("Wil Dcard"))
                .id
            != 0);
    const int bookings = m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM bookings")).toInt();
    QVERIFY(bookings > 1);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    FindDialog *find = m_window->openFind();
    QVERIFY(find);
    // Were these SQL or LIKE patterns, each would match every booking (or WILD12).
    const QStringList texts
        = {QStringLiteral("%' OR 1=1 --"), QStringLiteral("%%"),  QStringLiteral("W_LD12"),
           QStringLiteral("' OR ''='"),    QStringLiteral("\\%"), QStringLiteral("W%")};
    for (const QString &text : texts) {
        QSignalSpy searched(find, &FindDialog::searched);
        find->setSearchText(text);
        QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
        QVERIFY2(find->results().isEmpty(), qPrintable(text));
        QVERIFY2(find->statusText().startsWith(QStringLiteral("No booking matches")),
                 qPrintable(find->statusText()));
        QVERIFY(!find->findChild<ErrorBanner *>(QStringLiteral("findBanner"))->isVisible());
    }
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), bookings);

    // The repository alone says the same.
    auto direct = m_otherDesk->withConnection(QStringLiteral("search"), [](QSqlDatabase &db) {
        return BookingSearch(db).find(QStringLiteral("%' OR 1=1 --"));
    });
    QVERIFY(finishes(direct));
    QVERIFY2(direct.result().ok(), describe(direct.result()).constData());
    QVERIFY(direct.result()->isEmpty());
    auto empty = m_otherDesk->withConnection(QStringLiteral("search"), [](QSqlDatabase &db) {
        return BookingSearch(db).find(QStringLiteral("  "));
    });
    QVERIFY(finishes(empty));
    QCOMPARE(empty.result().error().kind(), DbError::Kind::Invalid);
}

void TestWalkInFind::choosingAResultByKeyboardEmitsItsId()
{
    const qint64 express = serviceId(QStringLiteral("Express Exterior"));
    auto nextFree = [this, express] {
        auto next = m_otherDesk->withConnection(QStringLiteral("next"), [express](QSqlDatabase &db) {
            AvailabilityRequest request;
            request.serviceId = express;
            return AvailabilityRepo(db).next(request);
        });
        return finishes(next) && next.result().ok() && next.result()->has_value() ? (*next.result())->start
                                                                                  : QDateTime();
    };
    const Booking first
        = bookOutside(express, 0, nextFree(), QStringLiteral("PICK01"), QStringLiteral("Pat Picker"));
    const Booking second
        = bookOutside(express, 0, nextFree(), QStringLiteral("PICK02"), QStringLiteral("Pat Picker"));
    QVERIFY(first.id != 0 && second.id != 0);

    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    QSignalSpy deskChosen(m_window.get(), &DeskWindow::bookingChosen);
    QPointer<FindDialog> find = m_window->openFind();
    QVERIFY(find);
    QSignalSpy chosen(find, &FindDialog::bookingChosen);
    auto *field = find->findChild<QLineEdit *>(QStringLiteral("findField"));
    QTRY_COMPARE(focused(), static_cast<QWidget *>(field));
    QSignalSpy searched(find, &FindDialog::searched);
    QTest::keyClicks(field, QStringLiteral("pat picker"));
    QTRY_VERIFY_WITH_TIMEOUT(searched.size() >= 1 && !find->isSearching(), kNoHangMs);
    QCOMPARE(find->results().size(), 2);
    QVERIFY2(find->statusText().startsWith(QStringLiteral("2 booking")), qPrintable(find->statusText()));
    // Down from the field moves the highlight; Enter opens that one.
    const qint64 highlighted = find->currentId();
    QCOMPARE(highlighted, find->results().first().id);
    QTest::keyClick(field, Qt::Key_Down);
    QCOMPARE(focused(), static_cast<QWidget *>(field));
    const qint64 wanted = find->results().at(1).id;
    QCOMPARE(find->currentId(), wanted);
    QTRY_VERIFY(find->isActiveWindow());
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.first().first().toLongLong(), wanted);
    QCOMPARE(deskChosen.size(), 1);
    QCOMPARE(deskChosen.first().first().toLongLong(), wanted);
    QTRY_VERIFY(!find || !find->isVisible());

    // A double-click chooses too.
    find = m_window->openFind();
    QVERIFY(find);
    QSignalSpy chosenAgain(find, &FindDialog::bookingChosen);
    QSignalSpy searchedAgain(find, &FindDialog::searched);
    find->setSearchText(QStringLiteral("PICK01"));
    QTRY_VERIFY_WITH_TIMEOUT(searchedAgain.size() >= 1 && !find->isSearching(), kNoHangMs);
    QCOMPARE(find->results().size(), 1);
    auto *list = find->findChild<QTreeWidget *>(QStringLiteral("findResults"));
    const QRect rect = list->visualItemRect(list->topLevelItem(0));
    // A widget's mouseDClick sends the second press alone; the first click comes before it.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(chosenAgain.size(), 0);
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_COMPARE(chosenAgain.size(), 1);
    QCOMPARE(chosenAgain.first().first().toLongLong(), first.id);
}

QTEST_MAIN(TestWalkInFind)
#include "tst_walkin_find.moc"
