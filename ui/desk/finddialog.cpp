#include "ui/desk/finddialog.h"

#include "db/bookings/bookingsearch.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/bookingwords.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/desk/bookingtext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcFind, "carwash.ui.find", QtWarningMsg)

namespace {

const QString BannerSource = QStringLiteral("find");
constexpr int DebounceMs = 200;
enum Column { WhenColumn, CodeColumn, PlateColumn, CustomerColumn, ServiceColumn, StatusColumn };

} // namespace

FindDialog::FindDialog(ConnectionPool &pool, QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
{
    setObjectName(QStringLiteral("findDialog"));
    setWindowTitle(tr("Find a booking"));
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("findBanner"));

    auto *label = new QLabel(tr("&Find:"), this);
    m_field = new QLineEdit(this);
    m_field->setObjectName(QStringLiteral("findField"));
    m_field->setAccessibleName(tr("Find a booking"));
    m_field->setPlaceholderText(tr("Plate, phone, name or confirmation code"));
    m_field->setClearButtonEnabled(true);
    m_field->setMaxLength(BookingSearch::MaxTextLength);
    m_field->installEventFilter(this);
    label->setBuddy(m_field);
    connect(m_field, &QLineEdit::textChanged, this, &FindDialog::textChanged);
    m_busy = new BusyIndicator(this);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("findStatus"));
    m_status->setAccessibleName(tr("Search status"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("findResults"));
    m_list->setAccessibleName(tr("Bookings found"));
    m_list->setHeaderLabels(
        {tr("When"), tr("Code"), tr("Plate"), tr("Customer"), tr("Service"), tr("Status")});
    m_list->setRootIsDecorated(false);
    m_list->setAllColumnsShowFocus(true);
    m_list->setUniformRowHeights(true);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(CustomerColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    connect(m_list, &QTreeWidget::itemActivated, this, [this] { chooseCurrent(); });
    connect(m_list, &QTreeWidget::currentItemChanged, this,
            [this] { m_open->setEnabled(m_list->currentItem() != nullptr); });

    m_open = new QPushButton(tr("&Open"), this);
    m_open->setObjectName(QStringLiteral("findOpen"));
    m_open->setAccessibleName(tr("Open the chosen booking"));
    m_open->setToolTip(tr("Open the highlighted booking (Enter)"));
    m_open->setEnabled(false);
    m_open->setAutoDefault(false);
    m_open->setDefault(true);
    connect(m_open, &QPushButton::clicked, this, &FindDialog::chooseCurrent);
    m_close = new QPushButton(tr("Close"), this);
    m_close->setObjectName(QStringLiteral("findClose"));
    m_close->setAccessibleName(tr("Close"));
    m_close->setAutoDefault(false);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);

    auto *fieldRow = new QHBoxLayout;
    fieldRow->addWidget(label);
    fieldRow->addWidget(m_field, 1);
    fieldRow->addWidget(m_busy);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_open);
    buttons->addWidget(m_close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(fieldRow);
    layout->addWidget(m_status);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    setTabOrder(m_field, m_list);
    setTabOrder(m_list, m_open);
    setTabOrder(m_open, m_close);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &FindDialog::search);

    resize(fontMetrics().averageCharWidth() * 110, fontMetrics().height() * 26);
    textChanged();
    m_field->setFocus(Qt::OtherFocusReason);
}

void FindDialog::setSearchText(const QString &text)
{
    m_field->setText(text);
}

QString FindDialog::searchText() const
{
    return m_field->text();
}

QString FindDialog::statusText() const
{
    return m_status->text();
}

qint64 FindDialog::currentId() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    return item ? item->data(WhenColumn, Qt::UserRole).toLongLong() : 0;
}

void FindDialog::textChanged()
{
    const QString text = m_field->text().trimmed();
    ++m_generation; // whatever is on its way answers an older text
    m_chooseWhenSingle = false;
    m_searching = false;
    m_busy->stop();
    if (text.size() < MinimumLength) {
        m_debounce.stop();
        m_results.clear();
        m_list->clear();
        m_status->setText(tr("Type at least %n character(s): a plate, a phone number, a name or a "
                             "confirmation code.",
                             nullptr, MinimumLength));
        return;
    }
    m_debounce.start();
}

void FindDialog::search()
{
    m_debounce.stop();
    const QString text = m_field->text().trimmed();
    if (text.size() < MinimumLength)
        return;
    const quint64 generation = ++m_generation;
    m_searching = true;
    m_busy->start(tr("Searching…"));
    auto found = m_pool.withRetry(QStringLiteral("bookings.search"), RetryPolicy::standard(),
                                  [text](QSqlDatabase &db) { return BookingSearch(db).find(text); });
    Async::onResult(found, this, [this, generation, text](const DbResult<QList<BookingMatch>> &result) {
        if (generation != m_generation)
            return;
        m_searching = false;
        m_busy->stop();
        if (!result.ok()) {
            qCWarning(lcFind).noquote() << "search failed:" << result.error().toLogString();
            if (result.error().kind() == DbError::Kind::Invalid) {
                m_status->setText(result.error().message());
            } else {
                m_banner->showMessage(BannerSource, tr("Searching failed. %1").arg(result.error().message()),
                                      ErrorText::whatToDo(result.error()), [this] { search(); });
                m_status->setText(tr("Searching failed; the last results stay on show."));
            }
            m_chooseWhenSingle = false;
            Q_EMIT searched();
            return;
        }
        m_banner->clear(BannerSource);
        showResults(result.value(), text);
        Q_EMIT searched();
        if (std::exchange(m_chooseWhenSingle, false) && m_results.size() == 1)
            chooseCurrent();
    });
}

void FindDialog::showResults(const QList<BookingMatch> &results, const QString &text)
{
    m_results = results;
    m_list->clear();
    const QLocale locale = DisplayLocale::get();
    for (const BookingMatch &m : results) {
        auto *item = new QTreeWidgetItem(m_list,
                                         {locale.toString(m.start, QLocale::ShortFormat), m.code, m.plate,
                                          BookingWords::customerName(m.customerName), m.serviceName,
                                          BookingText::status(m.status)});
        item->setData(WhenColumn, Qt::UserRole, m.id);
        if (!m.phone.isEmpty())
            item->setToolTip(CustomerColumn, m.phone);
        item->setToolTip(ServiceColumn, m.bayName);
    }
    if (results.isEmpty()) {
        m_status->setText(tr("No booking matches \"%1\".").arg(text));
    } else {
        m_list->setCurrentItem(m_list->topLevelItem(0));
        m_status->setText(
            results.size() >= BookingSearch::DefaultLimit
                ? tr("Showing the %1 bookings nearest to today; type more to narrow the search.")
                      .arg(results.size())
                : tr("%n booking(s) found. Up and Down choose, Enter opens.", nullptr, int(results.size())));
    }
    m_open->setEnabled(m_list->currentItem() != nullptr);
}

void FindDialog::chooseCurrent()
{
    const qint64 id = currentId();
    if (id == 0)
        return;
    Q_EMIT bookingChosen(id);
    accept();
}

bool FindDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_field && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Up:
        case Qt::Key_Down:
        case Qt::Key_PageUp:
        case Qt::Key_PageDown:
            // The results move under the cursor while typing goes on.
            QCoreApplication::sendEvent(m_list, event);
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (isSearching()) {
                // Enter before the answer: open it if it is the only one.
                m_chooseWhenSingle = true;
                if (m_debounce.isActive())
                    search();
            } else {
                chooseCurrent();
            }
            return true;
        default:
            break;
        }
    }
    return QDialog::eventFilter(watched, event);
}
