#pragma once

#include "db/kiosk/kioskprofile.h"
#include "db/payments/cardreader.h"
#include "db/staff/staffmember.h"
#include "ui/manager/managerlistdialog.h"

#include <optional>

class ConnectionPool;
class QCheckBox;
class QComboBox;
class QPushButton;
class QTreeWidget;

// The manager's kiosks (kiosks, through KioskRepo): every self-service
// kiosk with its language, the ways of paying it offers, its card reader
// (card_readers, the one truth for readers) and whether it is running (it
// published its health lately). The selected kiosk's language, ways of
// paying and reader are changed together on the pool in the signed-in
// manager's name (audited); KioskRepo's refusals show in the banner. A
// reader serving another desk or kiosk is not offered.
class KiosksDialog : public ManagerListDialog
{
    Q_OBJECT
public:
    KiosksDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent = nullptr);

    void reload() override;
    // Saves the fields for the selected kiosk (also what Save does).
    void saveSelected();

    QList<KioskProfile> kiosks() const { return m_kiosks; }

private:
    struct Loaded
    {
        QList<KioskProfile> kiosks;
        QList<CardReader> readers;
    };
    std::optional<KioskProfile> selected() const;
    void showKiosks(const QString &select);
    void fillEditor();
    void updateButtons() override;
    static QString languageName(const QString &code);
    QString methodsText(const QStringList &methods) const;

    ConnectionPool &m_pool;
    StaffMember m_manager;
    QTreeWidget *m_list = nullptr;
    QComboBox *m_language = nullptr;
    QCheckBox *m_reader = nullptr;
    QCheckBox *m_phone = nullptr;
    QCheckBox *m_desk = nullptr;
    QComboBox *m_readerId = nullptr;
    QPushButton *m_save = nullptr;
    QList<KioskProfile> m_kiosks;
    QList<CardReader> m_readers;
};
