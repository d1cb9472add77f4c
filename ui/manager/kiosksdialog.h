#pragma once

#include "db/kiosk/kioskprofile.h"
#include "db/payments/cardreader.h"
#include "db/staff/staffmember.h"

#include <QDialog>

#include <optional>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;

// The manager's kiosks (kiosks, through KioskRepo): every self-service
// kiosk with its language, the ways of paying it offers, its card reader
// (card_readers, the one truth for readers) and whether it is running (it
// published its health lately). The selected kiosk's language, ways of
// paying and reader are changed together on the pool in the signed-in
// manager's name (audited); KioskRepo's refusals show in the banner. A
// reader serving another desk or kiosk is not offered.
class KiosksDialog : public QDialog
{
    Q_OBJECT
public:
    KiosksDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent = nullptr);

    void reload();
    // Saves the fields for the selected kiosk (also what Save does).
    void saveSelected();

    bool isBusy() const;
    QString statusText() const;
    QList<KioskProfile> kiosks() const { return m_kiosks; }
    QTreeWidget *list() const { return m_list; }

Q_SIGNALS:
    void loaded();

private:
    struct Loaded
    {
        QList<KioskProfile> kiosks;
        QList<CardReader> readers;
    };
    std::optional<KioskProfile> selected() const;
    void showKiosks(const QString &select);
    void fillEditor();
    void updateButtons();
    static QString languageName(const QString &code);
    QString methodsText(const QStringList &methods) const;

    ConnectionPool &m_pool;
    StaffMember m_manager;
    ErrorBanner *m_banner = nullptr;
    QTreeWidget *m_list = nullptr;
    QComboBox *m_language = nullptr;
    QCheckBox *m_reader = nullptr;
    QCheckBox *m_phone = nullptr;
    QCheckBox *m_desk = nullptr;
    QComboBox *m_readerId = nullptr;
    QPushButton *m_save = nullptr;
    QLabel *m_status = nullptr;
    BusyIndicator *m_busy = nullptr;
    QList<KioskProfile> m_kiosks;
    QList<CardReader> m_readers;
    bool m_loading = false;
    bool m_saving = false;
};
