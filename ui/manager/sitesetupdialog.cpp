#include "ui/manager/sitesetupdialog.h"

#include "db/catalogue/catalogrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/manager/addonspage.h"
#include "ui/manager/bayspage.h"
#include "ui/manager/closurespage.h"
#include "ui/manager/openinghourspage.h"
#include "ui/manager/servicespage.h"
#include "ui/manager/sitesettingspage.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {
const QString CatalogueSource = QStringLiteral("siteSetup.catalogue");
}

SiteSetupDialog::SiteSetupDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
{
    setObjectName(QStringLiteral("siteSetupDialog"));
    setWindowTitle(tr("Site setup"));
    m_banner = new ErrorBanner(this);

    m_site = new SiteSettingsPage(pool, manager, *m_banner, this);
    m_hours = new OpeningHoursPage(pool, manager, *m_banner, this);
    m_closures = new ClosuresPage(pool, manager, *m_banner, this);
    m_services = new ServicesPage(pool, manager, *m_banner, this);
    m_addons = new AddonsPage(pool, manager, *m_banner, this);
    m_bays = new BaysPage(pool, manager, *m_banner, this);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("siteSetupTabs"));
    m_tabs->setAccessibleName(tr("Site setup sections"));
    m_tabs->addTab(m_site, tr("S&ite"));
    m_tabs->addTab(m_hours, tr("Opening &hours"));
    m_tabs->addTab(m_closures, tr("C&losures"));
    m_tabs->addTab(m_services, tr("Services && &prices"));
    m_tabs->addTab(m_addons, tr("A&dd-ons"));
    m_tabs->addTab(m_bays, tr("&Bays"));

    // The catalogue tabs share one load; a write on one refreshes all (a
    // new service appears in the add-on and bay check lists).
    for (CatalogueEditorPage *page :
         {static_cast<CatalogueEditorPage *>(m_services), static_cast<CatalogueEditorPage *>(m_addons),
          static_cast<CatalogueEditorPage *>(m_bays)})
        connect(page, &CatalogueEditorPage::reloadRequested, this, &SiteSetupDialog::reloadCatalogue);
    // The currency lives in the site settings; prices follow it.
    connect(m_site, &SiteSetupPage::changed, this, &SiteSetupDialog::reloadCatalogue);

    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    close->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("siteSetupClose"));
    close->button(QDialogButtonBox::Close)->setAutoDefault(false);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(close);
    resize(fontMetrics().averageCharWidth() * 110, fontMetrics().height() * 40);
    reload();
}

void SiteSetupDialog::reload()
{
    m_site->reload();
    m_hours->reload();
    m_closures->reload();
    reloadCatalogue();
}

void SiteSetupDialog::reloadCatalogue()
{
    const int request = ++m_catalogueRequest;
    m_catalogueLoading = true;
    const QList<CatalogueEditorPage *> pages = {m_services, m_addons, m_bays};
    for (CatalogueEditorPage *page : pages)
        page->setLoading(true);
    auto loaded = m_pool.withRetry(QStringLiteral("catalogue.load"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return CatalogRepo(db).load(); });
    Async::onResult(loaded, this, [this, request, pages](const DbResult<Catalogue> &result) {
        if (request != m_catalogueRequest)
            return; // a newer load is on its way
        m_catalogueLoading = false;
        for (CatalogueEditorPage *page : pages)
            page->setLoading(false);
        if (!result.ok()) {
            m_banner->showMessage(
                CatalogueSource,
                tr("The services, add-ons and bays could not be loaded. %1").arg(result.error().message()),
                ErrorText::whatToDo(result.error()), [this] { reloadCatalogue(); });
            return;
        }
        m_banner->clear(CatalogueSource);
        m_services->setCatalogue(result.value());
        m_addons->setCatalogue(result.value());
        m_bays->setCatalogue(result.value());
        Q_EMIT catalogueLoaded();
    });
}
