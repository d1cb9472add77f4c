#include "ui/desk/todaypage.h"

#include "db/calendar/settingsrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/common/titledtextdelegate.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {

const QString BannerSource = QStringLiteral("today");
enum Column { PackageColumn, DurationColumn, CarColumn, SuvColumn, TruckColumn, AddonsColumn, ColumnCount };
const QStringList VehicleClasses = {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")};

QTableWidgetItem *cell(const QString &text, Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignTop)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(alignment);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

} // namespace

TodayPage::TodayPage(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_banner(banner)
{
    setObjectName(QStringLiteral("todayPage"));

    m_date = new QLabel(this);
    m_date->setObjectName(QStringLiteral("todayDate"));
    QFont dateFont = m_date->font();
    dateFont.setPointSizeF(dateFont.pointSizeF() * 1.6);
    dateFont.setBold(true);
    m_date->setFont(dateFont);

    auto *menuTitle = new QLabel(tr("Wash menu"), this);
    QFont menuFont = menuTitle->font();
    menuFont.setBold(true);
    menuFont.setPointSizeF(menuFont.pointSizeF() * 1.15);
    menuTitle->setFont(menuFont);

    m_updated = new QLabel(this);
    m_updated->setObjectName(QStringLiteral("todayUpdated"));
    m_updated->setForegroundRole(QPalette::PlaceholderText);

    m_busy = new BusyIndicator(this);

    m_refresh = new QPushButton(tr("&Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("todayRefresh"));
    m_refresh->setAccessibleName(tr("Refresh the wash menu"));
    m_refresh->setToolTip(tr("Load the wash menu again (F5)"));
    connect(m_refresh, &QPushButton::clicked, this, &TodayPage::reload);
    auto *refreshKey = new QShortcut(QKeySequence::Refresh, this);
    connect(refreshKey, &QShortcut::activated, this, &TodayPage::reload);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("washMenu"));
    m_table->setAccessibleName(tr("Wash menu"));
    m_table->setAccessibleDescription(tr("Wash packages with their time, price per vehicle and add-ons"));
    m_table->setHorizontalHeaderLabels(
        {tr("Package"), tr("Time"), tr("Car"), tr("SUV"), tr("Truck"), tr("Add-ons")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(true);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    // Tab leaves the table instead of walking its cells.
    m_table->setTabKeyNavigation(false);
    for (int column : {DurationColumn, CarColumn, SuvColumn, TruckColumn})
        m_table->horizontalHeaderItem(column)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->setItemDelegateForColumn(PackageColumn, new TitledTextDelegate(m_table));
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(PackageColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(AddonsColumn, QHeaderView::Stretch);
    for (int column : {DurationColumn, CarColumn, SuvColumn, TruckColumn})
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Wrapped descriptions need taller or shorter rows as the window's width changes.
    connect(header, &QHeaderView::sectionResized, m_table, [this] { m_table->resizeRowsToContents(); });

    m_empty = new QLabel(tr("No wash packages are set up yet. Ask your manager to add them."), this);
    m_empty->setObjectName(QStringLiteral("todayEmpty"));
    m_empty->setWordWrap(true);
    m_empty->hide();

    auto *top = new QHBoxLayout;
    top->addWidget(m_date);
    top->addStretch(1);
    top->addWidget(m_busy);
    top->addWidget(m_updated);
    top->addWidget(m_refresh);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(menuTitle);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_empty);
}

void TodayPage::reload()
{
    if (m_loading)
        return;
    m_loading = true;
    m_refresh->setEnabled(false);
    m_busy->start(tr("Loading…"));
    auto all = m_pool.withRetry(QStringLiteral("services.list"), RetryPolicy::standard(), [](QSqlDatabase &db) {
        return qMakePair(ServiceRepo(db).all(), SettingsRepo(db).load().timeZone);
    });
    Async::onResult(all, this, [this](const DbResult<QPair<QList<Service>, QTimeZone>> &result) {
        m_loading = false;
        m_refresh->setEnabled(true);
        m_busy->stop();
        m_failed = !result.ok();
        if (!result.ok()) {
            // The menu loaded before stays on screen; only the banner says
            // it may be out of date.
            m_banner.showMessage(BannerSource,
                                 tr("The wash menu could not be loaded. %1").arg(result.error().message()),
                                 ErrorText::whatToDo(result.error()), [this] { reload(); });
            return;
        }
        m_banner.clear(BannerSource);
        m_loadedAt = m_now();
        display(result.value().first, result.value().second);
        Q_EMIT loaded();
    });
}

void TodayPage::reloadIfFailed()
{
    if (m_failed)
        reload();
}

void TodayPage::setClock(std::function<QDateTime()> clock)
{
    m_now = std::move(clock);
}

void TodayPage::display(const QList<Service> &services, const QTimeZone &siteZone)
{
    const QLocale locale = DisplayLocale::get();
    m_services = services;
    const QDateTime siteNow = m_loadedAt.toTimeZone(siteZone);
    m_shownDate = siteNow.date();
    m_date->setText(tr("Today, %1").arg(locale.toString(m_shownDate, QLocale::LongFormat)));
    m_updated->setText(tr("Updated %1").arg(locale.toString(siteNow.time(), QLocale::ShortFormat)));

    m_table->setRowCount(int(services.size()));
    for (int row = 0; row < services.size(); ++row) {
        const Service &service = services[row];
        QTableWidgetItem *package
            = cell(service.description.isEmpty() ? service.name
                                                 : tr("%1\n%2").arg(service.name, service.description));
        package->setToolTip(service.description);
        m_table->setItem(row, PackageColumn, package);
        m_table->setItem(row, DurationColumn,
                         cell(tr("%n min", nullptr, service.durationMinutes), Qt::AlignRight | Qt::AlignTop));
        for (int i = 0; i < VehicleClasses.size(); ++i) {
            const auto price = service.prices.constFind(VehicleClasses[i]);
            m_table->setItem(row, CarColumn + i,
                             cell(price == service.prices.cend() ? tr("not offered")
                                                                 : Money::format(*price, service.currency),
                                  Qt::AlignRight | Qt::AlignTop));
        }
        QStringList addons;
        for (const Addon &addon : service.addons)
            addons << tr("%1 +%2").arg(addon.name, Money::format(addon.priceCents, service.currency));
        m_table->setItem(row, AddonsColumn, cell(addons.isEmpty() ? tr("none") : addons.join(u'\n')));
    }
    m_table->resizeRowsToContents();
    m_table->setVisible(!services.isEmpty());
    m_empty->setVisible(services.isEmpty());
}
