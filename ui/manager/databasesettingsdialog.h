#pragma once

#include "db/config/databaseconfig.h"
#include "keychain/keychainrequest.h"

#include <QDialog>

class BusyIndicator;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

// The manager's database settings: server, port, database, user, SSL mode
// and the pool's limits, saved with DatabaseConfigLoader::save (never the
// password), and the password kept in the OS keychain. "Test connection"
// tries the entered settings on a worker thread through a short-lived pool
// and says what failed. Keychain work is asynchronous with a timeout, so a
// locked keychain cannot hang the window; without a keychain the dialog says
// so and points to DATABASE_URL.
class DatabaseSettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // inUse: what this program runs on now (for the notes at the top).
    explicit DatabaseSettingsDialog(const DatabaseConfig &inUse, QWidget *parent = nullptr);

    void setKeychainTimeout(int milliseconds) { m_keychainTimeoutMs = milliseconds; }
    // The entered settings, password included.
    DatabaseConfig enteredConfig() const;
    QString statusText() const;
    // Empty unless the environment's DATABASE_URL or the site file decides
    // the connection instead of what this dialog saves (named there).
    QString sourceText() const;
    // Which connection limits are set elsewhere (the environment, the URL,
    // the site file) and so beat the values saved here; empty when none.
    QString limitsSourceText() const;
    QString keychainText() const;
    bool isBusy() const { return m_testing || m_saving; }

    void testConnection();
    void save();

Q_SIGNALS:
    void connectionTested(bool ok);
    void saved(bool passwordInKeychain);
    void keychainChecked();

private:
    void loadSaved();
    void readPassword();
    QString keychainAdvice(KeychainRequest::Error error, const QString &errorString) const;
    QString validate() const;
    void setStatus(const QString &text, bool problem);
    void updateButtons();

    DatabaseConfig m_inUse;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QComboBox *m_sslMode = nullptr;
    QSpinBox *m_maxConnections = nullptr;
    QSpinBox *m_poolTimeout = nullptr;
    QSpinBox *m_connectTimeout = nullptr;
    QSpinBox *m_statementTimeout = nullptr;
    QLabel *m_source = nullptr;
    QLabel *m_limitsSource = nullptr;
    QLabel *m_keychain = nullptr;
    QLabel *m_status = nullptr;
    BusyIndicator *m_busy = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_save = nullptr;
    int m_keychainTimeoutMs = KeychainRequest::DefaultTimeoutMs;
    bool m_testing = false;
    bool m_saving = false;
};
