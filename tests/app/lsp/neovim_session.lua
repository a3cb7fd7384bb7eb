-- Neovim 0.7's built-in LSP client drives `pgadvise lsp` (tests/app/lsp/lsp_editors_test.cpp):
-- opens the schema and a migration, takes the quick fix for an unindexed
-- foreign key, waits for the diagnostic to go, and stops the server.
-- Everything it sees goes to $LSP_RESULT as JSON; the C++ test judges it.
-- Run: LSP_ROOT=... LSP_SCHEMA=... LSP_MIGRATION=... LSP_RESULT=... PGADVISE_BIN=...
--      nvim --headless -u NONE -i NONE -n -c 'luafile neovim_session.lua'
local result = { steps = {} }
local function step(name) table.insert(result.steps, name) end

-- A guard against a hung server, never a judgement on its speed.
local WAIT = 120000

local function summary(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      code = d.code, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source,
      href = d.user_data and d.user_data.lsp and d.user_data.lsp.codeDescription
        and d.user_data.lsp.codeDescription.href or vim.NIL,
    })
  end
  return out
end

local function has_code(bufnr, code, lnum)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code and (lnum == nil or d.lnum == lnum) then return d end
  end
  return nil
end

local function run()
  local root = vim.env.LSP_ROOT
  local client_id = vim.lsp.start_client({
    name = 'pgadvise',
    cmd = { vim.env.PGADVISE_BIN, 'lsp' },
    root_dir = root,
    on_exit = function(code, signal)
      result.exit_code = code
      result.exit_signal = signal
    end,
  })
  result.client_started = client_id ~= nil
  if not client_id then return end

  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. vim.env.LSP_SCHEMA))
  local schema = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(schema, client_id)
  step('schema opened')
  result.schema_published = vim.wait(WAIT, function()
    return has_code(schema, 'unindexed-foreign-key') ~= nil
  end, 20)
  result.schema_diagnostics = summary(schema)
  local client = vim.lsp.get_client_by_id(client_id)
  result.offset_encoding = client.offset_encoding

  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. vim.env.LSP_MIGRATION))
  local migration = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(migration, client_id)
  step('migration opened')
  result.migration_published = vim.wait(WAIT, function()
    return #vim.diagnostic.get(migration) > 0
  end, 20)
  result.migration_diagnostics = summary(migration)

  -- The quick fix for the foreign key the test names (its line).
  vim.cmd('buffer ' .. schema)
  local target_line = tonumber(vim.env.LSP_FIX_LINE)
  local fk = has_code(schema, 'unindexed-foreign-key', target_line)
  result.fix_target_found = fk ~= nil
  if not fk then return end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(schema) },
    range = { start = { line = fk.lnum, character = 0 }, ['end'] = { line = fk.end_lnum, character = 0 } },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(schema, fk.lnum) },
  }
  local responses = vim.lsp.buf_request_sync(schema, 'textDocument/codeAction', params, WAIT)
  local actions = responses and responses[client_id] and responses[client_id].result or {}
  result.action_titles = {}
  local chosen
  for _, action in ipairs(actions) do
    table.insert(result.action_titles, action.title)
    if action.isPreferred and action.edit and not chosen then chosen = action end
  end
  result.preferred_title = chosen and chosen.title or vim.NIL
  if not chosen then return end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  step('fix applied')
  result.schema_after_fix = table.concat(vim.api.nvim_buf_get_lines(schema, 0, -1, false), '\n')
  -- The edited buffer goes to the server as didChange (unsaved); the finding goes.
  result.fixed_diagnostic_gone = vim.wait(WAIT, function()
    return has_code(schema, 'unindexed-foreign-key', target_line) == nil
  end, 20)
  result.schema_diagnostics_after = summary(schema)

  vim.lsp.stop_client(client_id)
  result.stopped = vim.wait(WAIT, function() return result.exit_code ~= nil end, 20)
  step('stopped')
end

local ok, err = pcall(run)
result.ok = ok
if not ok then result.error = tostring(err) end
local file = io.open(vim.env.LSP_RESULT, 'w')
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd('qall!')
