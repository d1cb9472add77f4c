#pragma once

#include "db/catalogue/catalogue.h"
#include "db/staff/staffmember.h"

#include <QDialog>

class AddonsPage;
class BaysPage;
class ClosuresPage;
class ConnectionPool;
class ErrorBanner;
class OpeningHoursPage;
class QTabWidget;
class ServicesPage;
class SiteSettingsPage;

// The manager's set-up of the site: the booking engine's settings, opening
// hours, closures, services and prices, add-ons and bays, one tab each.
// Everything is read and written through the pool (each write validated,
// in one transaction, audited with the manager's name); database failures
// show in the banner with Retry, refused input next to its field.
class SiteSetupDialog : public QDialog
{
    Q_OBJECT
public:
    SiteSetupDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent = nullptr);

    // Loads every tab again.
    void reload();
    void reloadCatalogue();
    bool isCatalogueLoading() const { return m_catalogueLoading; }

    QTabWidget *tabs() const { return m_tabs; }
    ErrorBanner *banner() const { return m_banner; }
    SiteSettingsPage *sitePage() const { return m_site; }
    OpeningHoursPage *hoursPage() const { return m_hours; }
    ClosuresPage *closuresPage() const { return m_closures; }
    ServicesPage *servicesPage() const { return m_services; }
    AddonsPage *addonsPage() const { return m_addons; }
    BaysPage *baysPage() const { return m_bays; }

Q_SIGNALS:
    void catalogueLoaded();

private:
    ConnectionPool &m_pool;
    ErrorBanner *m_banner = nullptr;
    QTabWidget *m_tabs = nullptr;
    SiteSettingsPage *m_site = nullptr;
    OpeningHoursPage *m_hours = nullptr;
    ClosuresPage *m_closures = nullptr;
    ServicesPage *m_services = nullptr;
    AddonsPage *m_addons = nullptr;
    BaysPage *m_bays = nullptr;
    int m_catalogueRequest = 0;
    bool m_catalogueLoading = false;
};
