#include "app/screenshots/screenshotrunner.h"

#include "app/desk/deskapplication.h"
#include "app/screenshots/firstrunscreens.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/staff/staffrepo.h"
#include "models/desk/dayboardmodel.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/cardpaymentdialog.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/receiptactions.h"
#include "ui/desk/refunddialog.h"
#include "ui/desk/signinpage.h"
#include "ui/desk/takingswindow.h"
#include "ui/desk/todaypage.h"
#include "ui/desk/walkindialog.h"
#include "ui/manager/cardreadersdialog.h"
#include "ui/manager/databasesettingsdialog.h"
#include "ui/manager/diagnosticswindow.h"
#include "ui/manager/firstrunwizard.h"
#include "ui/manager/sitesetupdialog.h"
#include "ui/manager/staffdialog.h"

#include <QCoreApplication>
#include <QDialog>
#include <QKeyEvent>
#include <QScreen>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QTreeWidget>

#include <cstdio>

ScreenshotRunner::ScreenshotRunner(DeskApplication &desk, Request request, QObject *parent)
    : QObject(parent)
    , m_desk(desk)
    , m_request(std::move(request))
{
    connect(&m_desk, &DeskApplication::ready, this, &ScreenshotRunner::databaseReady);
    connect(&m_desk, &DeskApplication::failed, this, [this](const QString &message) {
        if (m_request.show == u"start-failure")
            grabSoon(&m_desk.window());
        else
            finish(1, QStringLiteral("start-up failed: ") + message);
    });
    QTimer::singleShot(m_request.timeoutMs, this, [this] { finish(1, QStringLiteral("timed out")); });
}

void ScreenshotRunner::databaseReady()
{
    connect(m_desk.window().signInPage(), &SignInPage::staffLoaded, this, &ScreenshotRunner::staffLoaded);
    // An empty database: the first run, in place of sign-in.
    connect(m_desk.window().signInPage(), &SignInPage::firstRunNeeded, this, [this] {
        DeskWindow &window = m_desk.window();
        if (!m_request.show.startsWith(u"first-run") || !window.firstRunWizard()) {
            finish(1, QStringLiteral("the database has no staff: only --show first-run-… can be shown"));
            return;
        }
        QString why;
        if (!FirstRunScreens::advance(*window.firstRunWizard(), m_request.show, &why))
            finish(1, why);
        else
            grabSoon(&window);
    });
}

void ScreenshotRunner::staffLoaded()
{
    DeskWindow &window = m_desk.window();
    if (m_request.show.startsWith(u"first-run"))
        return; // once the first run shows (firstRunNeeded)
    if (m_request.signInName.isEmpty()) {
        grabSoon(&window);
        return;
    }
    if (m_signInTried)
        return;
    m_signInTried = true;
    auto *list = window.signInPage()->findChild<QTreeWidget *>(QStringLiteral("staffList"));
    const QList<QTreeWidgetItem *> found = list->findItems(m_request.signInName, Qt::MatchExactly);
    if (found.isEmpty()) {
        finish(1, QStringLiteral("nobody called %1 on the staff list").arg(m_request.signInName));
        return;
    }
    list->setCurrentItem(found.first());
    if (m_request.show == u"locked") {
        lockOut();
        return;
    }
    connect(&window, &DeskWindow::sessionStarted, this, &ScreenshotRunner::signedIn);
    window.signInPage()->findChild<QLineEdit *>(QStringLiteral("pinField"))->setText(m_request.pin);
    window.signInPage()->findChild<QPushButton *>(QStringLiteral("signInButton"))->click();
    // A wrong PIN shows its message instead of a session: say so.
    QTimer::singleShot(5000, this, [this] {
        if (!m_desk.window().signedIn())
            finish(1, QStringLiteral("could not sign in: ") + m_desk.window().signInPage()->message());
    });
}

void ScreenshotRunner::lockOut()
{
    // Types the (wrong) PIN until the person is locked, one check at a time,
    // then shows what the desk says.
    SignInPage *page = m_desk.window().signInPage();
    auto *next = new QTimer(this);
    next->setInterval(50);
    connect(next, &QTimer::timeout, this, [this, page, next] {
        if (page->isChecking())
            return;
        if (m_attempts == StaffRepo::MaxFailedAttempts) {
            next->stop();
            grabSoon(&m_desk.window());
            return;
        }
        ++m_attempts;
        page->findChild<QLineEdit *>(QStringLiteral("pinField"))->setText(m_request.pin);
        page->findChild<QPushButton *>(QStringLiteral("signInButton"))->click();
    });
    next->start();
}

void ScreenshotRunner::signedIn()
{
    DeskWindow &window = m_desk.window();
    if (m_request.show == u"settings") {
        auto *dialog = window.openDatabaseSettings();
        if (!dialog) {
            finish(1, QStringLiteral("the settings are for managers only"));
            return;
        }
        connect(dialog, &DatabaseSettingsDialog::keychainChecked, this, [this, dialog] { grabSoon(dialog); });
        return;
    }
    if (m_request.show == u"staff") {
        auto *dialog = window.openStaffManagement();
        if (!dialog) {
            finish(1, QStringLiteral("staff management is for managers only"));
            return;
        }
        connect(dialog, &StaffDialog::loaded, this, [this, dialog] { grabSoon(dialog); });
        return;
    }
    if (m_request.show == u"readers") {
        auto *dialog = window.openCardReaders();
        if (!dialog) {
            finish(1, QStringLiteral("the card readers are for managers only"));
            return;
        }
        connect(dialog, &CardReadersDialog::loaded, this, [this, dialog] { grabSoon(dialog); });
        return;
    }
    if (m_request.show == u"menu") {
        window.showWashMenu();
        connect(window.todayPage(), &TodayPage::loaded, this, [this] { grabSoon(&m_desk.window()); });
        return;
    }
    if (m_request.show == u"diagnostics") {
        DiagnosticsWindow *diagnostics = window.openDiagnostics();
        if (!diagnostics) {
            finish(1, QStringLiteral("diagnostics are for managers only"));
            return;
        }
        diagnostics->resize(QSize(1280, 800).boundedTo(diagnostics->screen()->availableGeometry().size()));
        runLoad();
        // Long enough for the charts to draw a few seconds of it.
        QTimer::singleShot(12000, this, [this, diagnostics] { grabSoon(diagnostics); });
        return;
    }
    if (m_request.show == u"setup") {
        auto *dialog = window.openSiteSetup();
        if (!dialog) {
            finish(1, QStringLiteral("site set-up is for managers only"));
            return;
        }
        connect(dialog, &SiteSetupDialog::catalogueLoaded, this, [this, dialog] { grabSoon(dialog); });
        return;
    }
    // The day board is the first page after sign-in; the booking and the
    // receipt are opened from it, as a person would, and the takings once
    // it knows the site's today.
    DayBoardPage *board = window.dayBoardPage();
    connect(board, &DayBoardPage::refreshed, this, [this, board] {
        static const QStringList fromBooking {QStringLiteral("booking"), QStringLiteral("receipt"),
                                              QStringLiteral("card"), QStringLiteral("card-qr"),
                                              QStringLiteral("refund")};
        if (fromBooking.contains(m_request.show))
            openFromBoard(board);
        else if (m_request.show == u"takings" && !m_opened) {
            m_opened = true;
            TakingsWindow *takings = m_desk.window().openTakings();
            if (!takings) {
                finish(1, QStringLiteral("the takings did not open"));
                return;
            }
            connect(takings, &TakingsWindow::loaded, this, [this, takings] { grabSoon(takings); });
        }
        else if (m_request.show == u"walkin")
            startWalkIn(board);
        else
            grabSoon(&m_desk.window());
    });
}

void ScreenshotRunner::runLoad()
{
    // A short, real load through the desk's own pool, so the charts have
    // something to show: a steady trickle of quick statements, a few slow
    // ones (they land in the slow-query table) and one that fails.
    ConnectionPool *pool = m_desk.pool();
    auto *tick = new QTimer(this);
    tick->setInterval(100);
    connect(tick, &QTimer::timeout, this, [pool, tick, n = 0]() mutable {
        if (++n > 110) {
            tick->stop();
            return;
        }
        const double sleep = n % 20 == 0 ? 0.7 : 0.002 * (n % 15);
        pool->withConnection(QStringLiteral("screenshot.load"), [sleep](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("SELECT pg_sleep(?)"), {sleep});
        });
        if (n == 55)
            pool->withConnection(QStringLiteral("screenshot.broken"), [](QSqlDatabase &db) {
                Sql::exec(db, QStringLiteral("SELECT * FROM no_such_table"));
            });
    });
    tick->start();
}

void ScreenshotRunner::startWalkIn(DayBoardPage *board)
{
    if (m_opened)
        return;
    m_opened = true;
    // A returning customer: the plate of a car already on today's board.
    QString plate;
    for (const DayBoardModel::Lane &lane : board->model().day().lanes) {
        for (const DayBoardModel::Block &block : lane.blocks) {
            if (plate.isEmpty() && block.status == u"completed")
                plate = block.plate;
        }
    }
    WalkInDialog *dialog = m_desk.window().openWalkIn();
    if (!dialog) {
        finish(1, QStringLiteral("the walk-in dialog did not open"));
        return;
    }
    auto typePlate = [this, dialog, plate] {
        // Keystrokes, as at the desk: the plate looks its customer up.
        auto *field = dialog->findChild<QLineEdit *>(QStringLiteral("plateField"));
        field->setFocus();
        for (const QChar c : plate) {
            QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
            QCoreApplication::sendEvent(field, &press);
        }
        connect(dialog, &WalkInDialog::customerLookedUp, this, [this, dialog] {
            QTimer::singleShot(300, this, [this, dialog] { grabSoon(dialog); });
        });
    };
    auto choose = [dialog, typePlate] {
        const QList<Service> services = dialog->services();
        if (!services.isEmpty())
            dialog->chooseService(services.value(1, services.first()).id);
        typePlate();
    };
    if (dialog->isLoading() || dialog->services().isEmpty())
        connect(dialog, &WalkInDialog::servicesLoaded, this, choose, Qt::SingleShotConnection);
    else
        choose();
}

void ScreenshotRunner::openFromBoard(DayBoardPage *board)
{
    if (m_opened)
        return;
    // A car at the desk now for the details (its next steps show); a paid
    // one for the receipt.
    const QStringList wanted = m_request.show == u"receipt"
        ? QStringList {QStringLiteral("completed")}
        : QStringList {QStringLiteral("checked_in"), QStringLiteral("in_progress"), QStringLiteral("confirmed")};
    qint64 id = 0;
    for (const QString &status : wanted) {
        for (const DayBoardModel::Lane &lane : board->model().day().lanes) {
            for (const DayBoardModel::Block &block : lane.blocks) {
                const bool chosen = m_request.bookingCode.isEmpty() ? block.status == status
                                                                    : block.code == m_request.bookingCode;
                if (chosen && id == 0)
                    id = block.id;
            }
        }
    }
    if (id == 0 && !m_request.bookingCode.isEmpty()) {
        finish(1, QStringLiteral("booking %1 is not on today's board").arg(m_request.bookingCode));
        return;
    }
    if (id == 0) {
        finish(1, QStringLiteral("no %1 booking on the board (seed --demo-day first)").arg(wanted.join(u'/')));
        return;
    }
    m_opened = true;
    BookingDetailsDialog *dialog = m_desk.window().openBooking(id);
    if (m_request.show == u"booking") {
        connect(dialog, &BookingDetailsDialog::loaded, this, [this, dialog] { grabSoon(dialog); });
        return;
    }
    if (m_request.show != u"receipt") {
        connect(dialog, &BookingDetailsDialog::loaded, this, [this, dialog] { openPayment(dialog); },
                Qt::SingleShotConnection);
        return;
    }
    auto *receipt = dialog->findChild<ReceiptActions *>();
    connect(receipt, &ReceiptActions::previewOpened, this, [this](QDialog *preview) { grabSoon(preview); });
    connect(dialog, &BookingDetailsDialog::loaded, this, [receipt, id] { receipt->askAndPrint(id); },
            Qt::SingleShotConnection);
}

void ScreenshotRunner::openPayment(BookingDetailsDialog *dialog)
{
    if (m_request.show == u"refund") {
        RefundDialog *refund = dialog->openRefund();
        if (!refund) {
            finish(1, QStringLiteral("booking %1 offers no Refund… (a manager, and something paid?)")
                          .arg(m_request.bookingCode));
            return;
        }
        grabSoon(refund);
        return;
    }
    CardPaymentDialog *card = dialog->openCardPayment();
    if (!card) {
        finish(1, QStringLiteral("booking %1 offers no Card… (is anything due?)").arg(m_request.bookingCode));
        return;
    }
    // First it checks whether card payment can be offered at all.
    whenReady([card] { return card->page() != CardPaymentDialog::Page::Checking && !card->isBusy(); },
              [this, card] {
                  if (m_request.show == u"card") {
                      grabSoon(card);
                      return;
                  }
                  if (!card->payByQrCode()) {
                      finish(1, QStringLiteral("no QR code offered: %1").arg(card->unavailableText()));
                      return;
                  }
                  // The link arrives once carwash-server has made the session.
                  whenReady([card] { return !card->qrImage().isNull(); }, [this, card] { grabSoon(card); });
              });
}

void ScreenshotRunner::whenReady(std::function<bool()> ready, std::function<void()> done)
{
    auto *check = new QTimer(this);
    check->setInterval(100);
    connect(check, &QTimer::timeout, this, [check, ready = std::move(ready), done = std::move(done)] {
        if (!ready())
            return;
        check->stop();
        check->deleteLater();
        done();
    });
    check->start();
}

void ScreenshotRunner::grabSoon(QWidget *widget)
{
    if (m_grabbing)
        return;
    m_grabbing = true;
    // A moment for layouts and the first paint after the data arrived.
    QTimer::singleShot(500, widget, [this, widget] {
        if (!widget->grab().save(m_request.path))
            finish(1, QStringLiteral("could not write %1").arg(m_request.path));
        else
            finish(0, QStringLiteral("saved %1").arg(m_request.path));
    });
}

void ScreenshotRunner::finish(int exitCode, const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    std::fprintf(exitCode == 0 ? stdout : stderr, "carwash-screenshots: %s\n", qPrintable(message));
    std::fflush(nullptr);
    // Closing the window first lets it sign out (written to the audit log);
    // the program ends once the desk has closed its connections.
    connect(&m_desk, &DeskApplication::shutDownFinished, this,
            [exitCode] { QCoreApplication::exit(exitCode); });
    m_desk.window().close();
}
