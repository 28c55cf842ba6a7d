/** The admin UI's stylesheet, served from `/admin/assets/admin.css` (no inline styles, so the CSP can forbid them). */
export const ADMIN_CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#f3f4f6}
a{color:#2563eb;text-decoration:none}a:hover{text-decoration:underline}
.shell{display:flex;min-height:100vh}.sidebar{width:220px;background:#111827;color:#e5e7eb;padding:20px 0;flex-shrink:0}
.sidebar h1{font-size:16px;margin:0 20px 16px;color:#fff}.sidebar a{display:block;padding:8px 20px;color:#d1d5db}
.sidebar a.active,.sidebar a:hover{background:#1f2937;color:#fff;text-decoration:none}.sidebar .who{padding:16px 20px;font-size:12px;color:#9ca3af;border-top:1px solid #374151;margin-top:16px}
.sidebar form button{background:none;border:0;color:#93c5fd;padding:0;cursor:pointer;font:inherit}
main{flex:1;padding:24px 32px;min-width:0}h2{margin:0 0 16px;font-size:22px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px;margin-bottom:16px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e5e7eb;border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #f0f0f0;vertical-align:top;max-width:320px;overflow-wrap:anywhere}
th{background:#f9fafb;font-weight:600;font-size:12px;text-transform:uppercase;color:#6b7280}tr:hover td{background:#f9fafb}
.toolbar{display:flex;gap:8px;align-items:end;flex-wrap:wrap}.toolbar label{display:flex;flex-direction:column;font-size:12px;color:#6b7280}
input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #d1d5db;border-radius:6px;background:#fff}textarea{width:100%;min-height:80px;font-family:ui-monospace,monospace}
.btn{display:inline-block;background:#2563eb;color:#fff;border:0;border-radius:6px;padding:7px 14px;cursor:pointer;font:inherit}.btn:hover{background:#1d4ed8;text-decoration:none}
.btn.secondary{background:#e5e7eb;color:#111827}.btn.danger{background:#dc2626}.head{display:flex;justify-content:space-between;align-items:center;margin-bottom:16px}
.pager{display:flex;gap:12px;align-items:center;margin-top:12px;color:#6b7280}.field{margin-bottom:14px}.field>label{display:block;font-weight:600;margin-bottom:4px}
.field input[type=text],.field input[type=number],.field select{width:100%;max-width:480px}.error{color:#b91c1c;font-size:13px;margin-top:2px}
.alert{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;padding:10px 12px;border-radius:6px;margin-bottom:16px}
.notice{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;padding:10px 12px;border-radius:6px;margin-bottom:16px}
.login{max-width:360px;margin:10vh auto}.login input{width:100%}.muted{color:#6b7280}.mono{font-family:ui-monospace,monospace;font-size:12px}
`
