package sqlite

// SettingHubURL is the setting holding this device's district hub URL,
// always without a password (that belongs in ~/.pgpass or PGPASSWORD).
const SettingHubURL = "hub_url"
