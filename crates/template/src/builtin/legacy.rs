//! The built-in invitation. It says what to do to claim the account, when the link stops working,
//! and what to do when it has.

pub const SUBJECT: &str = "Your {{ app_name }} account is ready: set your password";

pub const TEXT: &str = r#"Hello {{ greeting_name }},

{{ organization }} has created an account for you in {{ app_name }}. Your sign-in is your email address: {{ person.email }}.

To claim your account:
  1. Open this link: {{ link }}
  2. Choose a password.
  3. Sign in to {{ app_name }} with {{ person.email }} and that password.

The link works once and expires {{ expires_in }} ({{ expires_at }}).

If the link has expired or does not work, your account is still there: ask for a new invitation by contacting {{ support_contact }}.

If you were not expecting this invitation, you can ignore this message.

{{ organization }}
"#;

pub const HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ app_name }} invitation</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f8;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1c2030;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f8;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:10px;padding:32px;">
<tr><td>
<p style="font-size:16px;margin:0 0 16px;">Hello {{ greeting_name }},</p>
<p style="font-size:15px;line-height:1.5;margin:0 0 16px;">{{ organization }} has created an account for you in <strong>{{ app_name }}</strong>. Your sign-in is your email address: <strong>{{ person.email }}</strong>.</p>
<p style="font-size:15px;line-height:1.5;margin:0 0 8px;">To claim your account, choose a password:</p>
<p style="margin:24px 0;"><a href="{{ link }}" style="background:#3b5bdb;color:#ffffff;text-decoration:none;padding:12px 22px;border-radius:6px;font-weight:600;display:inline-block;">Set my password</a></p>
<p style="font-size:14px;line-height:1.5;color:#5b6275;margin:0 0 16px;">Then sign in to {{ app_name }} with {{ person.email }} and that password. The link works once and expires <strong>{{ expires_in }}</strong> ({{ expires_at }}).</p>
<p style="font-size:14px;line-height:1.5;color:#5b6275;margin:0 0 16px;">If the link has expired or does not work, your account is still there: ask for a new invitation by contacting {{ support_contact }}.</p>
<p style="font-size:13px;line-height:1.5;color:#5b6275;margin:0 0 16px;">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">{{ link }}</span></p>
<p style="font-size:13px;color:#8a90a3;margin:24px 0 0;">If you were not expecting this invitation, you can ignore this message.</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"#;

/// The built-in reminder: for someone who has not used their invitation yet. It carries a new link,
/// and says the first one still works until it expires (links are never stored, so a reminder
/// cannot repeat the first one).
pub mod reminder {
    pub const SUBJECT: &str = "Reminder: your {{ app_name }} account is waiting for you";

    pub const TEXT: &str = r#"Hello {{ greeting_name }},

A few days ago {{ organization }} created an account for you in {{ app_name }}, and it has not been claimed yet. Your sign-in is your email address: {{ person.email }}.

To claim your account:
  1. Open this new link: {{ link }}
  2. Choose a password.
  3. Sign in to {{ app_name }} with {{ person.email }} and that password.

This link works once and expires {{ expires_in }} ({{ expires_at }}). The link in our first message also still works until it expires: use whichever you find first.

If the links have expired or do not work, your account is still there: ask for a new invitation by contacting {{ support_contact }}.

If you have already set your password, you can ignore this message.

{{ organization }}
"#;

    pub const HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ app_name }} reminder</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f8;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1c2030;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f8;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:10px;padding:32px;">
<tr><td>
<p style="font-size:16px;margin:0 0 16px;">Hello {{ greeting_name }},</p>
<p style="font-size:15px;line-height:1.5;margin:0 0 16px;">A few days ago {{ organization }} created an account for you in <strong>{{ app_name }}</strong>, and it has not been claimed yet. Your sign-in is your email address: <strong>{{ person.email }}</strong>.</p>
<p style="font-size:15px;line-height:1.5;margin:0 0 8px;">To claim your account, choose a password with this new link:</p>
<p style="margin:24px 0;"><a href="{{ link }}" style="background:#3b5bdb;color:#ffffff;text-decoration:none;padding:12px 22px;border-radius:6px;font-weight:600;display:inline-block;">Set my password</a></p>
<p style="font-size:14px;line-height:1.5;color:#5b6275;margin:0 0 16px;">Then sign in to {{ app_name }} with {{ person.email }} and that password. This link works once and expires <strong>{{ expires_in }}</strong> ({{ expires_at }}). The link in our first message also still works until it expires: use whichever you find first.</p>
<p style="font-size:14px;line-height:1.5;color:#5b6275;margin:0 0 16px;">If the links have expired or do not work, your account is still there: ask for a new invitation by contacting {{ support_contact }}.</p>
<p style="font-size:13px;line-height:1.5;color:#5b6275;margin:0 0 16px;">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">{{ link }}</span></p>
<p style="font-size:13px;color:#8a90a3;margin:24px 0 0;">If you have already set your password, you can ignore this message.</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"#;
}

/// The built-in re-issue: for someone whose invitation expired unused. It says so and carries the
/// new link.
pub mod reissue {
    pub const SUBJECT: &str = "A new link for your {{ app_name }} account";

    pub const TEXT: &str = r#"Hello {{ greeting_name }},

The invitation link {{ organization }} sent you for {{ app_name }} has expired before it was used. Your account is still there, and here is a new link. Your sign-in is your email address: {{ person.email }}.

To claim your account:
  1. Open this new link: {{ link }}
  2. Choose a password.
  3. Sign in to {{ app_name }} with {{ person.email }} and that password.

The new link works once and expires {{ expires_in }} ({{ expires_at }}). The earlier link no longer works.

If this link expires too, ask for another by contacting {{ support_contact }}.

If you were not expecting this message, you can ignore it.

{{ organization }}
"#;

    pub const HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ app_name }}: a new link</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f8;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1c2030;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f8;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:10px;padding:32px;">
<tr><td>
<p style="font-size:16px;margin:0 0 16px;">Hello {{ greeting_name }},</p>
<p style="font-size:15px;line-height:1.5;margin:0 0 16px;">The invitation link {{ organization }} sent you for <strong>{{ app_name }}</strong> has expired before it was used. Your account is still there, and here is a new link. Your sign-in is your email address: <strong>{{ person.email }}</strong>.</p>
<p style="margin:24px 0;"><a href="{{ link }}" style="background:#3b5bdb;color:#ffffff;text-decoration:none;padding:12px 22px;border-radius:6px;font-weight:600;display:inline-block;">Set my password</a></p>
<p style="font-size:14px;line-height:1.5;color:#5b6275;margin:0 0 16px;">Then sign in to {{ app_name }} with {{ person.email }} and that password. The new link works once and expires <strong>{{ expires_in }}</strong> ({{ expires_at }}). The earlier link no longer works.</p>
<p style="font-size:14px;line-height:1.5;color:#5b6275;margin:0 0 16px;">If this link expires too, ask for another by contacting {{ support_contact }}.</p>
<p style="font-size:13px;line-height:1.5;color:#5b6275;margin:0 0 16px;">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">{{ link }}</span></p>
<p style="font-size:13px;color:#8a90a3;margin:24px 0 0;">If you were not expecting this message, you can ignore it.</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"#;
}
