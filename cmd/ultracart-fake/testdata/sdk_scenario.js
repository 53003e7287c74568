'use strict';
// Drives every operation of UltraCart's official JavaScript SDK
// (github.com/UltraCart/rest_api_v2_sdk_javascript, any release from 4.1.70)
// against the fake, and checks what a user of that SDK would rely on:
//
//   - every write is read back equal: inserts and updates send every
//     property the SDK's model knows (the ones a release added included),
//     with values the service documents as valid, and the answer, the get
//     and the list return each of them as sent; a second update sends other
//     values (false booleans, other enum values) and is read back the same;
//   - deletes take effect: a get after a delete is UltraCart's 400 naming
//     the object, and the list no longer holds it;
//   - searches and reports accept every key the SDK's request models know,
//     and answer what the data implies.
//
// The operations come from the SDK (ConversationApi's methods), so the same
// script serves every release: an operation the SDK lacks is not called,
// one the SDK has but no step of this script drives is a failure.
//
// Run by TestOfficialJSSDK (main_test.go):
//
//	ULTRACART_JS_SDK=/path/to/sdk BASE=http://127.0.0.1:8080/rest/v2 KEY=test-key node sdk_scenario.js
//
// ULTRACART_JS_SDK names a checkout of the SDK with its dependencies
// installed (npm install --omit=dev --ignore-scripts); the fake must run
// with its demo data. The last line is the result the test reads:
//
//	RESULT sdk=4.1.86 operations=140 called=140 failures=0 compared=N
//
// Each failure is printed first, as FAIL [category] operation: detail, the
// categories being missing (the fake does not serve the operation),
// outside-release (the fake refused a property or parameter the release
// it serves lacks), dropped (a read-back lacks a property that was
// written), changed (a read-back has another value), wire (any other
// error or unexpected answer) and scenario (the SDK has an operation this
// script does not drive, or the script could not go on).

const path = require('path');
const util = require('util');

const SDK = process.env.ULTRACART_JS_SDK;
const BASE = process.env.BASE;
const KEY = process.env.KEY;
if (!SDK || !BASE || !KEY) {
  console.error('set ULTRACART_JS_SDK (the SDK checkout), BASE (the fake\'s base URL) and KEY (its simple key)');
  process.exit(2);
}
const U = require(path.join(SDK, 'dist', 'index.js'));
const VERSION = require(path.join(SDK, 'package.json')).version;

const client = new U.ApiClient(BASE);
client.usingApiKey(KEY);
client.timeout = 30000;
const api = new U.ConversationApi(client);
const SDK_OPS = Object.getOwnPropertyNames(U.ConversationApi.prototype)
  .filter((n) => n !== 'constructor' && typeof api[n] === 'function').sort();
const HAS = new Set(SDK_OPS);

// ---------------------------------------------------------------------------
// Results.

const called = new Set();
const failures = [];
let compared = 0;

function fail(category, op, detail) {
  failures.push({ category, op, detail });
  console.log(`FAIL [${category}] ${op}: ${detail}`);
}

function check(ok, op, detail) {
  if (!ok) fail('wire', op, detail);
  return ok;
}

const OK = Object.freeze({ ok: true }); // what a void operation resolves to

// call runs an operation of the SDK and resolves to its decoded answer (OK
// for a void one), or to undefined when it failed (the failure recorded)
// or when the SDK does not have it. args are the operation's parameters
// before the callback; the optional opts object may be left out.
function call(op, ...args) {
  return invoke(op, args, false);
}

// refused runs an operation that must fail and resolves to the error
// (status, body), recording a failure when it succeeds.
function refused(op, ...args) {
  return invoke(op, args, true);
}

// probing is set while operations are called only to learn whether the
// fake serves them (after the insert they depend on failed): then only a
// missing operation is a failure.
let probing = false;

function invoke(op, args, wantError) {
  if (!HAS.has(op)) return Promise.resolve(undefined);
  called.add(op);
  const fn = api[op];
  const n = fn.length - 1; // the last parameter is the callback
  if (args.length > n) {
    fail('scenario', op, `called with ${args.length} arguments, the SDK's method takes ${n}`);
    return Promise.resolve(undefined);
  }
  while (args.length < n) args.push(undefined);
  return new Promise((resolve) => {
    try {
      fn.call(api, ...args, (err, data, res) => {
        const body = (err && err.response && err.response.body) || {};
        const msg = (body.error && body.error.developer_message) || (err && err.message);
        // An operation the fake does not route (404), or routes but does
        // not serve (501).
        if (err && ((err.status === 404 && /no such operation/.test(msg)) || (err.status === 501 && /does not serve/.test(msg)))) {
          fail('missing', op, `${err.status}: ${msg}`);
          return resolve(undefined);
        }
        if (probing) return resolve(undefined);
        if (wantError) {
          if (!err) {
            fail('wire', op, 'succeeded where an error was expected');
            return resolve(undefined);
          }
          return resolve({ status: err.status, body });
        }
        if (err) {
          // The fake's refusal of what the release it serves lacks.
          const outside = err.status === 400 && / not in release /.test(msg);
          fail(outside ? 'outside-release' : 'wire', op, `${err.status || 'error'}: ${String(msg).slice(0, 300)}`);
          return resolve(undefined);
        }
        if (res && res.status !== 204 && res.body && typeof res.body === 'object' && 'success' in res.body && res.body.success !== true) {
          fail('wire', op, `success is ${res.body.success}`);
        }
        resolve(data == null ? OK : data);
      });
    } catch (e) {
      fail('scenario', op, `the SDK threw: ${e.message}`);
      resolve(undefined);
    }
  });
}

// ---------------------------------------------------------------------------
// What the SDK's models know: their properties and types, read from the
// SDK itself (each model's constructFromObject converts every property it
// knows), so that a release's new properties are written without this
// script naming them.

const typeCache = new Map();

// propsOf returns [name, type] for every property of model M, type being
// 'String', 'Number', 'Boolean', 'Object', a model, or ['array', type].
function propsOf(M) {
  if (typeCache.has(M)) return typeCache.get(M);
  const src = M.constructFromObject.toString();
  const types = new Map();
  const re = /obj\['([^']+)'\] = (.+?);\n/g;
  for (let m; (m = re.exec(src));) {
    types.set(m[1], parseType(m[2], M.name, m[1]));
  }
  const names = Object.keys(M.prototype);
  const out = names.map((name) => {
    if (!types.has(name)) throw new Error(`${M.name}.${name}: no type found in constructFromObject`);
    return [name, types.get(name)];
  });
  typeCache.set(M, out);
  return out;
}

function parseType(expr, model, prop) {
  let m;
  if ((m = /^_(\w+)\["default"\]\.constructFromObject\(/.exec(expr))) return model_(m[1], model, prop);
  if ((m = /convertToType\(data\['[^']+'\], (.+)\)$/.exec(expr))) {
    const t = m[1];
    if ((m = /^'(\w+)'$/.exec(t))) return m[1];
    if (t === 'Object') return 'Object';
    if ((m = /^\['(\w+)'\]$/.exec(t))) return ['array', m[1]];
    if (t === '[Object]') return ['array', 'Object'];
    if ((m = /^\[_(\w+)\["default"\]\]$/.exec(t))) return ['array', model_(m[1], model, prop)];
  }
  throw new Error(`${model}.${prop}: type ${expr} not understood`);
}

function model_(name, model, prop) {
  if (!U[name]) throw new Error(`${model}.${prop}: model ${name} not exported by the SDK`);
  return U[name];
}

// enumOf returns the documented values of a property, if it has an enum.
function enumOf(M, prop) {
  const e = M[prop.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + 'Enum'];
  return e ? Object.values(e) : null;
}

// ---------------------------------------------------------------------------
// Values. fill builds a model with every property the SDK knows set, from
// the rules below: values the service documents as meaningful (references
// to objects that exist, time zones, formats) and, for the rest, a value
// of the property's type that differs per property and per round, so that
// a value read back in the wrong place shows. Round 0 is an insert, round
// 1 the update that follows: other strings and numbers, booleans false,
// the first enum value instead of the last.

// OWNED are properties the service assigns and the caller never sets: the
// identifiers, merchant_id, and what the documents call derived or the
// service's own. They are not written, and are compared between the
// answer of a write and every read-back instead.
const OWNED = {
  '*': ['merchant_id'],
  ConversationAgentProfile: ['user_id'],
  ConversationAgentStatusConfig: ['conversation_status_uuid', 'created_at', 'updated_at', 'routing_effect', 'twilio_activity_sid'],
  ConversationCannedMessage: ['conversation_canned_message_oid'],
  ConversationDepartment: ['conversation_department_oid'],
  ConversationEngagement: ['conversation_engagement_oid'],
  ConversationMcpServer: ['mcp_server_uuid'],
  ConversationPbxAddress: ['conversation_pbx_address_uuid'],
  ConversationPbxAgent: ['conversation_pbx_agent_uuid', 'user_id', 'login'],
  ConversationPbxAudio: ['conversation_pbx_audio_uuid', 'url', 'mime_type', 'user_id'],
  ConversationPbxClassOfService: ['conversation_pbx_class_of_service_uuid'],
  ConversationPbxHardwarePhone: ['conversation_pbx_hardware_phone_uuid', 'created_at', 'updated_at'],
  ConversationPbxMenu: ['conversation_pbx_menu_uuid'],
  ConversationPbxPhoneNumber: ['conversation_pbx_phone_number_uuid', 'phone_number', 'deletion_protected'],
  ConversationPbxQueue: ['conversation_pbx_queue_uuid'],
  ConversationPbxTimeBased: ['conversation_pbx_time_based_uuid'],
  ConversationPbxTimeRange: ['conversation_pbx_time_range_uuid'],
  ConversationPbxVoicemailMailbox: ['conversation_pbx_voicemail_mailbox_uuid'],
  ConversationVirtualAgentBudget: ['used_daily', 'used_monthly'],
  ConversationVirtualAgentCapabilities: ['zoho_desk_available', 'zoho_desk_departments'],
};

function owned(M, prop) {
  return OWNED['*'].includes(prop) || (OWNED[M.name] || []).includes(prop);
}

// ctx holds the objects the scenario created or found, which values refer
// to (uuids, user ids).
const ctx = {};

// pick is [round 0 value, round 1 value].
const pick = (a, b) => (round) => (round ? b : a);

// RULES give values by model and property; '*' by property name anywhere.
// A function is called with (round).
const RULES = {
  '*': {
    country_code: 'US',
    email: pick('js.sdk@example.com', 'js.sdk2@example.com'),
    send_notices_to_email: pick('vm@example.com', 'vm2@example.com'),
    open_support_ticket_channel_email: pick('tickets@example.com', 'tickets2@example.com'),
    url: pick('https://example.com/js-sdk', 'https://example.com/js-sdk-2'),
    cellphone: pick('+15555550188', '+15555550189'),
    // Audio a menu, queue, mailbox or agent plays: PBX audio that exists.
    play_audio_uuid: () => ctx.audio,
    hold_conversation_pbx_audio_uuid: () => ctx.audio,
    no_agent_available_play_audio_uuid: () => ctx.audio,
    callback_announce_audio_uuid: () => ctx.audio,
    callback_confirm_audio_uuid: () => ctx.audio,
    voicemail_prompt_play_audio_uuid: () => ctx.audio,
    voicemail_followup_play_audio_uuid: () => ctx.audio,
    unavailable_play_audio_uuid: () => ctx.audio,
    time_range_uuid: () => ctx.timeRange,
    // Date-times are RFC 3339; time ranges' dates are dates at midnight.
    start_date: pick('2026-12-24T00:00:00Z', '2027-01-01T00:00:00Z'),
    end_date: pick('2026-12-26T00:00:00Z', '2027-01-02T00:00:00Z'),
  },
  ConversationAgentProfile: {
    default_language_iso_code: pick('en', 'es'),
  },
  ConversationAgentStatusConfig: {
    channel: pick('chat', 'both'),
    parent_status: pick('busy', 'unavailable'),
    color: pick('#FF5733', '#3355FF'),
    active: () => true, // a false one is what a delete makes
  },
  ConversationDepartment: {
    settings: pick({ auto_assign: true }, { auto_assign: false }),
  },
  ConversationDepartmentMember: {
    user_id: pick(1002, 1003),
  },
  ConversationCannedMessage: {
    conversation_department_oids: pick([1], [1, 2]),
  },
  ConversationEngagement: {
    department_oids: pick([2], [1]),
  },
  ConversationEngagementEquationFunction: {
    customers_location_country: pick('US', 'CA'),
    customers_location_state: pick('OH', 'ON'),
  },
  ConversationMcpServer: {
    url: pick('https://mcp.example.com/js', 'https://mcp.example.com/js2'),
  },
  ConversationPbxAgent: {
    cos_uuid: () => ctx.classOfService,
    default_phone_number_uuid: () => ctx.phoneNumber,
    hardware_phone_uuids: () => [ctx.hardwarePhone],
    preferred_hardware_phone_uuid: () => ctx.hardwarePhone,
    personal_conversation_pbx_voicemail_mailbox_uuid: () => ctx.mailbox,
    shared_conversation_pbx_voicemail_mailbox_uuid: () => ctx.demoMailbox,
  },
  ConversationPbxAudio: {
    audio_s3_listing_key: () => ctx.audioKey,
    filename: pick('js-sdk.mp3', 'js-sdk-2.mp3'),
  },
  ConversationPbxClassOfService: {
    allowed_countries: pick(['1', '44'], ['1']),
  },
  ConversationPbxHardwarePhone: {
    conversation_pbx_agent_uuid: () => ctx.agent,
    mac_address: pick('80:5E:C0:00:00:0A', '80:5E:C0:00:00:0B'),
  },
  ConversationPbxMenu: {
    default_action: () => 'queue',
    default_action_target: () => ctx.demoQueue,
  },
  ConversationPbxMenuMapping: {
    action: pick('voicemail', 'queue'),
    action_target: (round) => (round ? ctx.demoQueue : ctx.demoMailbox),
  },
  ConversationPbxPhoneNumber: {
    action: pick('menu', 'queue'),
    action_target: (round) => (round ? ctx.demoQueue : ctx.demoMenu),
  },
  ConversationPbxQueue: {
    conversation_voicemail_mailbox_uuid: () => ctx.demoMailbox,
  },
  ConversationPbxQueueMembers: {
    users: pick([1001], [1001, 1002]),
  },
  ConversationPbxTimeBasedMapping: {
    action: pick('queue', 'voicemail'),
    action_target: (round) => (round ? ctx.demoMailbox : ctx.demoQueue),
  },
  ConversationPbxTimeRange: {
    timezone: pick('America/Chicago', 'Europe/London'),
  },
  ConversationPbxTimeRangeConfig: {
    start_day_of_week: pick(1, 0),
    end_day_of_week: pick(5, 6),
    start_time: pick('09:00', '08:30'),
    end_time: pick('17:30', '12:00'),
  },
  ConversationPbxVoicemailMailbox: {
    voicemail_mailbox_type: pick('agent', 'shared'),
    user_id: pick(1001, 1002),
  },
  ConversationVirtualAgentBudget: {
    budget_daily: pick(1234567.89, 25.5),
    budget_monthly: pick(2345678.91, 400),
  },
};

function rule(M, prop) {
  const r = RULES[M.name] && RULES[M.name][prop];
  return r !== undefined ? r : RULES['*'][prop];
}

let counter = 0;

// fill returns a model of M with every property the SDK knows set, except
// the OWNED ones; over (by property) replaces a value, undefined leaves the
// property out.
function fill(M, round, over = {}, depth = 0) {
  const o = {};
  for (const [prop, type] of propsOf(M)) {
    if (prop in over) {
      if (over[prop] !== undefined) o[prop] = over[prop];
      continue;
    }
    if (owned(M, prop)) continue;
    const r = rule(M, prop);
    if (r !== undefined) {
      o[prop] = typeof r === 'function' ? r(round) : r;
      continue;
    }
    const v = valueOf(M, prop, type, round, depth);
    if (v !== undefined) o[prop] = v;
  }
  return M.constructFromObject(o);
}

function valueOf(M, prop, type, round, depth) {
  counter++;
  if (Array.isArray(type)) {
    const v = valueOf(M, prop, type[1], round, depth);
    return v === undefined ? undefined : [v];
  }
  switch (type) {
    case 'String': {
      const values = enumOf(M, prop);
      if (values) return round ? values[0] : values[values.length - 1];
      if (/_dts$|_at$/.test(prop)) return round ? '2026-05-02T10:00:00-05:00' : '2026-05-01T09:00:00-05:00';
      if (/uuid$/.test(prop)) return uuid();
      return `${round ? 'b' : 'a'}${counter}`;
    }
    case 'Number':
      return round ? 100 + counter % 100 : counter % 100;
    case 'Boolean':
      return !round;
    case 'Object':
      return { js: round ? 'b' : 'a' };
    default:
      // A nested model, at most two levels down (the SDK's models nest
      // deeper only through responses).
      if (depth >= 3) return undefined;
      return fill(type, round, {}, depth + 1);
  }
}

function uuid() {
  return require('crypto').randomUUID();
}

// ---------------------------------------------------------------------------
// Comparison. plain is what goes on the wire: the SDK's models as JSON.

function plain(x) {
  return x === undefined ? undefined : JSON.parse(JSON.stringify(x));
}

// sameAs records a failure for every property of want (deeply) that got
// lacks or holds differently. Both are models or plain values.
function sameAs(op, what, want, got) {
  compare(op, what, plain(want), plain(got));
}

// equal compares every property both ways: a read-back of a whole object.
function equal(op, what, a, b) {
  const pa = plain(a);
  const pb = plain(b);
  compare(op, what, pa, pb);
  compare(op, what + ' (reverse)', pb, pa);
}

function compare(op, at, want, got) {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      fail('changed', op, `${at}: sent an object, read back ${JSON.stringify(got)}`);
      return;
    }
    for (const k of Object.keys(want)) {
      if (!(k in got)) {
        compared++;
        fail('dropped', op, `${at}.${k}: sent ${JSON.stringify(want[k])}, read back without it`);
        continue;
      }
      compare(op, `${at}.${k}`, want[k], got[k]);
    }
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      compared++;
      fail('changed', op, `${at}: sent ${JSON.stringify(want)}, read back ${JSON.stringify(got)}`);
      return;
    }
    want.forEach((w, i) => compare(op, `${at}[${i}]`, w, got[i]));
    return;
  }
  compared++;
  if (!util.isDeepStrictEqual(want, got)) {
    fail('changed', op, `${at}: sent ${JSON.stringify(want)}, read back ${JSON.stringify(got)}`);
  }
}

// restrict keeps the properties of v that model M knows.
function restrict(v, M) {
  const p = plain(v);
  const out = {};
  for (const [prop] of propsOf(M)) if (prop in p) out[prop] = p[prop];
  return out;
}

// writable is v without the properties the service owns.
function writable(M, v) {
  const p = plain(v);
  for (const prop of Object.keys(p)) if (owned(M, prop)) delete p[prop];
  return p;
}

// change sets every writable property of obj (a model read back) to its
// round-1 value, keeping the identifiers and what the service owns: an
// update sends the whole object, as UltraCart's updates replace it.
function change(M, obj, over = {}) {
  const next = fill(M, 1, over);
  const out = M.constructFromObject(plain(obj));
  for (const [prop] of propsOf(M)) {
    if (owned(M, prop) || prop in over) {
      if (prop in over) {
        if (over[prop] === undefined) delete out[prop];
        else out[prop] = next[prop];
      }
      continue;
    }
    if (next[prop] !== undefined) out[prop] = next[prop];
  }
  return out;
}

// ---------------------------------------------------------------------------
// CRUD of one kind: insert, get == insert answer, list holds it once,
// update (every property changed), get == update answer, delete, get is a
// 400 naming it, list no longer holds it.

async function crud(k) {
  const value = k.value();
  const inserted = await k.insert(value);
  if (!inserted) {
    // Still call the kind's other operations, so that each one the fake
    // lacks is reported as such.
    probing = true;
    await k.list();
    if (k.get) await k.get(uuid());
    await k.update(uuid(), k.model.constructFromObject(plain(value)));
    await k.del(uuid());
    probing = false;
    return undefined;
  }
  // A purchase request has properties of its own (friendly_name): only
  // those the stored model has are read back.
  sameAs(k.ops[0], `${k.name} insert`, restrict(value, k.model), inserted);
  const id = k.id(inserted);
  if (k.get) equal(k.ops[1], `${k.name} get after insert`, inserted, await k.get(id));
  const listed = ((await k.list()) || []).filter((x) => k.id(x) === id);
  if (check(listed.length === 1, k.ops[2], `${k.name}: ${listed.length} entries with id ${id} after insert`)) {
    equal(k.ops[2], `${k.name} list after insert`, inserted, listed[0]);
  }
  const next = k.change ? k.change(inserted) : change(k.model, inserted);
  const updated = await k.update(id, next);
  if (updated) {
    // What the service owns (an update time, a derived value) may change.
    sameAs(k.ops[3], `${k.name} update`, writable(k.model, next), updated);
    if (k.get) equal(k.ops[1], `${k.name} get after update`, updated, await k.get(id));
    const relisted = ((await k.list()) || []).filter((x) => k.id(x) === id);
    if (check(relisted.length === 1, k.ops[2], `${k.name}: ${relisted.length} entries with id ${id} after update`)) {
      equal(k.ops[2], `${k.name} list after update`, updated, relisted[0]);
    }
  }
  if (k.keep) return updated || inserted;
  await k.del(id);
  if (k.get) await gone(k.ops[1], () => k.get(id, true), id);
  const after = ((await k.list()) || []).filter((x) => k.id(x) === id);
  check(after.length === 0, k.ops[2], `${k.name}: still listed after delete`);
  return inserted;
}

// gone checks that a get of what was deleted is UltraCart's missing-object
// answer: a 400 whose error.object_id names it.
async function gone(op, get, id) {
  const e = await get();
  if (e === undefined) return;
  check(e.status === 400 && e.body.error && String(e.body.error.object_id) === String(id),
    op, `after delete: ${e.status} ${JSON.stringify(e.body.error || {})}`);
}

// pbxKind is a kind of the PBX with the SDK's usual operation names:
// insert<name>, get<name>, get<plural>, update<name>, delete<name>, its
// answers carrying the object in single and the list in many, its
// identifier conversation_pbx_<single>_uuid.
function pbxKind(name, plural, single, many, extra = {}) {
  const model = U[`Conversation${name.replace(/^User/, '')}`];
  const idProp = `conversation_pbx_${single}_uuid`;
  const pay = (r) => r && r[single];
  return Object.assign({
    name,
    model,
    ops: [`insert${name}`, `get${name}`, `get${plural}`, `update${name}`, `delete${name}`],
    value: () => fill(model, 0),
    id: (x) => x[idProp],
    insert: async (v) => pay(await call(`insert${name}`, v)),
    get: async (id, err) => (err ? refused(`get${name}`, id) : pay(await call(`get${name}`, id))),
    list: async () => { const r = await call(`get${plural}`); return r && r[many]; },
    update: async (id, v) => pay(await call(`update${name}`, id, v)),
    del: (id) => call(`delete${name}`, id),
  }, extra);
}

// ---------------------------------------------------------------------------
// The scenario.

async function conversations() {
  const page = await call('getConversations', { _limit: 2, _offset: 0 });
  if (page) check(page.conversations.length === 2 && page.metadata.result_set.more === true, 'getConversations', 'a page of 2 with more');
  const started = await call('startConversation', U.ConversationStartRequest.constructFromObject({ add_conversation_participant_arns: ['arn:js:customer'] }));
  const conv = started && started.conversation;
  if (!conv) return;
  const cid = conv.conversation_uuid;
  await call('joinConversation', cid, { join_request: fill(U.ConversationJoinRequest, 0) });
  const got = await call('getConversation', cid, { limit: 10 });
  if (got) check(got.conversation.conversation_uuid === cid, 'getConversation', 'another conversation');
  await call('getConversationMessages', cid, 0, { limit: 10 });
  await call('markReadConversation', cid);
  await call('smsUnsubscribeConversation', cid);
  await call('leaveConversation', cid);
  const context = await call('getConversationContext', cid);
  ctx.item = context && context.cart && context.cart.items && context.cart.items[0] && context.cart.items[0].item_id;

  // Search with every key the SDK's request knows, then a paged one.
  await call('getConversationsSearch', fill(U.ConversationSearchRequest, 0, {
    date_start: '2026-01-01T00:00:00Z', date_end: '2026-12-31T00:00:00Z', range_begin: 0, range_end: 10, order_by_oldest: false,
  }));
  const s = await call('getConversationsSearch', U.ConversationSearchRequest.constructFromObject({ range_begin: 0, range_end: 2, order_by_newest: true }));
  if (s) check(s.total === 4 && s.records.length === 2, 'getConversationsSearch', `total ${s.total}, ${s.records && s.records.length} records`);
  const a = await call('getConversationsAutocomplete', U.ConversationAutocompleteRequest.constructFromObject({ field: 'email', term: 'jane' }));
  if (a) check(a.results.length === 1, 'getConversationsAutocomplete', `${a.results.length} results`);
  await call('getConversationMultimediaUploadUrl', 'png');
  await call('getConversationPermissions');
  await call('getLocationsForEngagement');
  if (ctx.item) await call('getConversationItemVariations', ctx.item);
  await call('getConversationPbxCustomerSnapshot', fill(U.ConversationPbxCustomerSnapshotRequest, 0, {
    phone_number: '+15555550123', error: undefined, metadata: undefined, warning: undefined, success: undefined,
  }));
  const snap = await call('getConversationPbxCustomerSnapshot', U.ConversationPbxCustomerSnapshotRequest.constructFromObject({ phone_number: '+1 (555) 555-0123' }));
  if (snap) check((snap.customers || []).length === 1, 'getConversationPbxCustomerSnapshot', `${(snap.customers || []).length} customers for the demo's phone`);
}

async function agent() {
  await call('getAgentKeepAlive');
  await call('getAgentWebsocketAuthorization');
  const me = await call('getAgentProfile');
  if (me) {
    const next = change(U.ConversationAgentProfile, me.agent_profile);
    const up = await call('updateAgentProfile', next);
    if (up) {
      sameAs('updateAgentProfile', 'agent profile update', writable(U.ConversationAgentProfile, next), up.agent_profile);
      const again = await call('getAgentProfile');
      if (again) equal('getAgentProfile', 'agent profile after update', up.agent_profile, again.agent_profile);
    }
  }
  const profiles = await call('getAgentProfiles');
  ctx.aiUser = profiles && (profiles.agent_profiles.find((p) => p.ai) || {}).user_id;
  await call('getConversationDepartmentMemberList');

  const uid = ctx.aiUser;
  const pay = (p) => (r) => r && r[p];
  await crud({
    name: 'MCP server', model: U.ConversationMcpServer,
    ops: ['insertAgentProfileMcp', 'getAgentProfileMcp', 'getAgentProfileMcps', 'updateAgentProfileMcp', 'deleteAgentProfileMcp'],
    value: () => fill(U.ConversationMcpServer, 0),
    id: (x) => x.mcp_server_uuid,
    insert: async (v) => pay('mcp_server')(await call('insertAgentProfileMcp', uid, v)),
    get: async (id, err) => (err ? refused('getAgentProfileMcp', uid, id) : pay('mcp_server')(await call('getAgentProfileMcp', uid, id))),
    list: async () => pay('mcp_servers')(await call('getAgentProfileMcps', uid)),
    update: async (id, v) => pay('mcp_server')(await call('updateAgentProfileMcp', uid, id, v)),
    del: (id) => call('deleteAgentProfileMcp', uid, id),
  });
  const mcp = await call('insertAgentProfileMcp', uid, U.ConversationMcpServer.constructFromObject({ url: 'https://mcp.example.com/tools' }));
  if (mcp) await call('getAgentProfileMcpTools', uid, mcp.mcp_server.mcp_server_uuid);

  // A knowledge base document: upload URL, PUT, insert naming the URL.
  const up = await call('getConversationKnowledgeBaseDocumentUploadUrl', uid, 'pdf');
  const upURL = up && up.conversation_knowledge_base_document_upload_url && up.conversation_knowledge_base_document_upload_url.url;
  if (upURL) {
    await put(upURL, 'x'.repeat(1500));
    const before = await call('getAgentProfileKnowledgeBase', uid);
    const req = fill(U.ConversationInsertKnowledgeBaseDocumentRequest, 0, { original_file_name: 'js-faq.pdf', presigned_url: upURL });
    const doc = await call('insertAgentProfileKnowledgeBaseDocument', uid, req);
    const after = await call('getAgentProfileKnowledgeBase', uid);
    if (before && after) check(after.documents.length === before.documents.length + 1, 'getAgentProfileKnowledgeBase', 'the inserted document is not listed');
    if (doc) {
      const del = await call('deleteAgentProfileKnowledgeBaseDocument', uid, doc.document_uuid);
      if (del) check(del.document_id === 'js-faq.pdf', 'deleteAgentProfileKnowledgeBaseDocument', `document_id ${del.document_id}`);
    }
  }

  await singleton('VirtualAgentBudget', U.ConversationVirtualAgentBudget, 'budget');
  await singleton('VirtualAgentCapabilities', U.ConversationVirtualAgentCapabilities, 'capabilities');
}

// singleton: get, update every writable property, the answer and a get
// read back what was sent.
async function singleton(name, M, prop) {
  const cur = await call(`get${name}`);
  if (!cur) return;
  const next = change(M, cur[prop]);
  const up = await call(`update${name}`, next);
  if (up) sameAs(`update${name}`, `${name} update`, writable(M, next), up[prop]);
  const again = await call(`get${name}`);
  if (again && up) equal(`get${name}`, `${name} after update`, up[prop], again[prop]);
}

async function put(url, body) {
  try {
    const res = await fetch(url, { method: 'PUT', body });
    check(res.ok, 'upload', `PUT to the upload URL: ${res.status}`);
  } catch (e) {
    fail('wire', 'upload', `PUT to the upload URL: ${e.message}`);
  }
}

async function settings() {
  const dep = (p) => (r) => r && r[p];
  await crud({
    name: 'canned message', model: U.ConversationCannedMessage,
    ops: ['insertConversationCannedMessage', '', 'getConversationCannedMessages', 'updateConversationCannedMessage', 'deleteConversationCannedMessage'],
    value: () => fill(U.ConversationCannedMessage, 0),
    id: (x) => x.conversation_canned_message_oid,
    insert: async (v) => dep('conversation_canned_message')(await call('insertConversationCannedMessage', v)),
    list: async () => dep('conversation_canned_messages')(await call('getConversationCannedMessages')),
    update: async (id, v) => dep('conversation_canned_message')(await call('updateConversationCannedMessage', id, v)),
    del: (id) => call('deleteConversationCannedMessage', id),
  });
  await call('searchConversationCannedMessages', fill(U.ConversationCannedMessagesSearch, 0, { short_code: 'h', max_results: 2 }));
  await crud({
    name: 'department', model: U.ConversationDepartment,
    ops: ['insertConversationDepartment', '', 'getConversationDepartments', 'updateConversationDepartment', 'deleteDepartment'],
    value: () => fill(U.ConversationDepartment, 0),
    id: (x) => x.conversation_department_oid,
    insert: async (v) => dep('conversation_department')(await call('insertConversationDepartment', v)),
    list: async () => dep('conversation_departments')(await call('getConversationDepartments')),
    update: async (id, v) => dep('conversation_department')(await call('updateConversationDepartment', id, v)),
    del: (id) => call('deleteDepartment', id),
  });
  await crud({
    name: 'engagement', model: U.ConversationEngagement,
    ops: ['insertConversationEngagement', 'getConversationEngagement', 'getConversationEngagements', 'updateConversationEngagement', 'deleteEngagement'],
    value: () => fill(U.ConversationEngagement, 0),
    id: (x) => x.conversation_engagement_oid,
    insert: async (v) => dep('conversation_engagement')(await call('insertConversationEngagement', v)),
    get: async (id, err) => (err ? refused('getConversationEngagement', id) : dep('conversation_engagement')(await call('getConversationEngagement', id))),
    list: async () => dep('conversation_engagements')(await call('getConversationEngagements')),
    update: async (id, v) => dep('conversation_engagement')(await call('updateConversationEngagement', id, v)),
    del: (id) => call('deleteEngagement', id),
  });
}

async function pbx() {
  // What the demo data holds, which new objects refer to.
  const agents = await call('getPbxAgents');
  const demoAgent = agents && agents.agents.find((a) => a.user_id === 1002);
  ctx.agent = demoAgent && demoAgent.conversation_pbx_agent_uuid;
  const queues = await call('getPbxQueues');
  ctx.demoQueue = queues && queues.queues[0].conversation_pbx_queue_uuid;
  const boxes = await call('getPbxVoicemailMailboxes');
  ctx.demoMailbox = boxes && boxes.voicemail_mailboxes[0].conversation_pbx_voicemail_mailbox_uuid;
  const menus = await call('getPbxMenus');
  ctx.demoMenu = menus && menus.menus[0].conversation_pbx_menu_uuid;
  const audios = await call('getPbxAudios');
  ctx.audio = audios && audios.audios[0].conversation_pbx_audio_uuid;
  const ranges = await call('getPbxTimeRanges');
  ctx.timeRange = ranges && ranges.time_ranges[0].conversation_pbx_time_range_uuid;

  // Audio: uploaded first, as the service requires.
  const up = await call('getConversationPbxAudioUploadUrl', 'mp3');
  const u = up && up.pbx_audio_upload_url;
  if (u) {
    await put(u.url, 'ID3 js sdk audio');
    ctx.audioKey = u.key;
  }
  await crud(pbxKind('PbxAudio', 'PbxAudios', 'audio', 'audios'));
  // An agent's own audio: no upload needed for this scenario's purpose.
  await crud(pbxKind('UserPbxAudio', 'UserPbxAudios', 'audio', 'audios', {
    value: () => fill(U.ConversationPbxAudio, 0, { audio_s3_listing_key: undefined }),
    change: (x) => change(U.ConversationPbxAudio, x, { audio_s3_listing_key: undefined }),
  }));
  await crud(pbxKind('PbxAddress', 'PbxAddresses', 'address', 'addresses'));
  await crud(pbxKind('PbxTimeRange', 'PbxTimeRanges', 'time_range', 'time_ranges'));
  await crud(pbxKind('PbxClassOfService', 'PbxClassesOfService', 'class_of_service', 'classes_of_services'));
  await crud(pbxKind('PbxHardwarePhone', 'PbxHardwarePhones', 'hardware_phone', 'hardware_phones'));
  await crud(pbxKind('PbxVoicemailMailbox', 'PbxVoicemailMailboxes', 'voicemail_mailbox', 'voicemail_mailboxes'));
  await crud(pbxKind('PbxQueue', 'PbxQueues', 'queue', 'queues'));
  await crud(pbxKind('PbxMenu', 'PbxMenus', 'menu', 'menus'));
  await crud(pbxKind('PbxTimeBased', 'PbxTimeBaseds', 'time_based', 'time_baseds'));

  // Phone numbers: search, buy what was offered, update, delete.
  const avail = await call('searchPbxAvailablePhoneNumbers', 'US', { area_code: '212', sms_enabled: true, voice_enabled: true, type: 'local', limit: 2 });
  const offered = avail && avail.available_phone_numbers[0] && avail.available_phone_numbers[0].phone_number;
  if (offered) {
    await crud({
      name: 'phone number', model: U.ConversationPbxPhoneNumber,
      ops: ['purchasePbxPhoneNumber', 'getPbxPhoneNumber', 'getPbxPhoneNumbers', 'updatePbxPhoneNumber', 'deletePbxPhoneNumber'],
      value: () => fill(U.ConversationPbxPhoneNumberPurchaseRequest, 0, { phone_number: offered, action: 'queue', action_target: ctx.demoQueue }),
      id: (x) => x.conversation_pbx_phone_number_uuid,
      insert: async (v) => { const r = await call('purchasePbxPhoneNumber', v); return r && r.phone_number; },
      get: async (id, err) => (err ? refused('getPbxPhoneNumber', id) : ((await call('getPbxPhoneNumber', id)) || {}).phone_number),
      list: async () => { const r = await call('getPbxPhoneNumbers'); return r && r.phone_numbers; },
      update: async (id, v) => { const r = await call('updatePbxPhoneNumber', id, v); return r && r.phone_number; },
      del: (id) => call('deletePbxPhoneNumber', id),
    });
  }
  const numbers = await call('getPbxPhoneNumbers');
  const n = numbers && numbers.phone_numbers[0];
  if (n) {
    ctx.phoneNumber = n.conversation_pbx_phone_number_uuid;
    const p = await call('protectPbxPhoneNumber', n.conversation_pbx_phone_number_uuid);
    if (p) check(p.phone_number.deletion_protected === true, 'protectPbxPhoneNumber', 'deletion_protected not set');
  }

  // The PBX agent: every property it has, referring to objects that exist.
  const cos = await call('getPbxClassesOfService');
  ctx.classOfService = cos && cos.classes_of_services[0].conversation_pbx_class_of_service_uuid;
  const phones = await call('getPbxHardwarePhones');
  ctx.hardwarePhone = phones && phones.hardware_phones[0].conversation_pbx_hardware_phone_uuid;
  const mailbox = await call('insertPbxVoicemailMailbox', fill(U.ConversationPbxVoicemailMailbox, 0, { voicemail_mailbox_type: 'agent', user_id: 1002 }));
  ctx.mailbox = mailbox && mailbox.voicemail_mailbox.conversation_pbx_voicemail_mailbox_uuid;
  if (ctx.agent) {
    const ag = await call('getPbxAgent', ctx.agent);
    if (ag) {
      const next = change(U.ConversationPbxAgent, ag.agent);
      const ag2 = await call('updatePbxAgent', ctx.agent, next);
      if (ag2) {
        sameAs('updatePbxAgent', 'PBX agent update', writable(U.ConversationPbxAgent, next), ag2.agent);
        const ag3 = await call('getPbxAgent', ctx.agent);
        if (ag3) equal('getPbxAgent', 'PBX agent after update', ag2.agent, ag3.agent);
      }
    }
  }

  await call('getPbxHardwarePhoneManufacturers');
  if (ctx.hardwarePhone) {
    const before = await call('getPbxHardwarePhone', ctx.hardwarePhone);
    const r = await call('regeneratePasswordForPbxHardwarePhone', ctx.hardwarePhone, before && before.hardware_phone);
    if (r && before) check(r.hardware_phone.sip_password !== before.hardware_phone.sip_password, 'regeneratePasswordForPbxHardwarePhone', 'same password');
  }
  if (ctx.audio) {
    const usage = await call('getPbxAudioUsage', ctx.audio);
    if (usage) check((usage.menus || []).length + (usage.queues || []).length + (usage.voicemail_mailboxes || []).length > 0, 'getPbxAudioUsage', 'the demo audio is used by nothing');
  }
  if (ctx.demoQueue) await call('resetConversationPbxQueueStatistics', ctx.demoQueue);
}

async function voicemails() {
  const q = ctx.demoQueue;
  const qv = await call('getPbxQueueVoicemails', q);
  const qsid = qv && qv.voicemail_message_summaries[0] && qv.voicemail_message_summaries[0].recording_sid;
  if (qsid) {
    await call('listenedPbxQueueVoicemail', q, qsid);
    const m = await call('getPbxQueueVoicemail', q, qsid);
    if (m) check(m.voicemail_message.listened === true, 'getPbxQueueVoicemail', 'not listened after listenedPbxQueueVoicemail');
    await call('deletePbxQueueVoicemail', q, qsid);
    await gone('getPbxQueueVoicemail', () => refused('getPbxQueueVoicemail', q, qsid), qsid);
  }
  const av = await call('getPbxAgentVoicemails');
  const asid = av && av.voicemail_message_summaries[0] && av.voicemail_message_summaries[0].recording_sid;
  if (asid) {
    await call('listenedPbxAgentVoicemail', asid);
    const m = await call('getPbxAgentVoicemail', asid);
    if (m) check(m.voicemail_message.listened === true, 'getPbxAgentVoicemail', 'not listened after listenedPbxAgentVoicemail');
    await call('deletePbxAgentVoicemail', asid);
    await gone('getPbxAgentVoicemail', () => refused('getPbxAgentVoicemail', asid), asid);
  }
  await call('getPbxVoicemailCapabilities');
}

async function calls() {
  await call('searchPbxCalls', fill(U.ConversationPbxCallSearchRequest, 0, {
    start_date: '2026-01-01', end_date: '2026-12-31', min_duration_seconds: 0, max_duration_seconds: 3600,
  }), { _limit: 10, _offset: 0, _sort: '-created_at_dts' });
  const found = await call('searchPbxCalls', U.ConversationPbxCallSearchRequest.constructFromObject({ has_recording: true }), { _limit: 1, _offset: 0, _sort: '-created_at_dts' });
  if (found) {
    check(found.calls.length === 1 && found.metadata.result_set.total_records === 2, 'searchPbxCalls', `${found.calls.length} calls of ${found.metadata.result_set.total_records}`);
    if (found.calls[0]) await call('getPbxCall', found.calls[0].call_uuid);
  }
  await call('getPbxCosAuditLogs', { since: '2026-01-01T00:00:00Z', agent_login: 'riley', limit: 10 });
}

// The webchat queue status, and (from 4.1.86) custom agent statuses, the
// status reports and the PBX default time zone.
async function statuses() {
  const qs = await call('getConversationWebchatQueueStatuses');
  const queue = qs && qs.queue_statuses[0] && qs.queue_statuses[0].queue_name;

  let custom;
  if (HAS.has('insertAgentStatusConfig')) {
    const name = 'AgentStatusConfig';
    custom = await crud({
      name: 'agent status', model: U.ConversationAgentStatusConfig,
      ops: [`insert${name}`, '', `get${name}s`, `update${name}`, `delete${name}`],
      value: () => fill(U.ConversationAgentStatusConfig, 0),
      id: (x) => x.conversation_status_uuid,
      insert: async (v) => { const r = await call(`insert${name}`, v); return r && r.status_config; },
      list: async () => { const r = await call(`get${name}s`); return r && r.status_configs; },
      update: async (id, v) => { const r = await call(`update${name}`, id, v); return r && r.status_config; },
      del: (id) => call(`delete${name}`, id),
      keep: true,
    });
    if (custom) {
      // The routing effect derives from the parent status (the update's).
      check(custom.routing_effect === 'unavailable', `update${name}`, `routing_effect ${custom.routing_effect} for parent_status ${custom.parent_status}`);
      // A delete deactivates: the status stays listed, active false.
      const id = custom.conversation_status_uuid;
      const other = await call(`insert${name}`, fill(U.ConversationAgentStatusConfig, 0));
      if (other) {
        const oid = other.status_config.conversation_status_uuid;
        await call(`delete${name}`, oid);
        const list = await call(`get${name}s`);
        const still = list && list.status_configs.find((c) => c.conversation_status_uuid === oid);
        if (list) check(still && still.active === false, `delete${name}`, `after delete: ${JSON.stringify(still)} (want listed, active false)`);
      }
      custom = (await call(`get${name}s`) || { status_configs: [] }).status_configs.find((c) => c.conversation_status_uuid === id);
    }
  }

  if (queue) {
    const over = custom ? { custom_status_uuid: custom.conversation_status_uuid, custom_status_name: custom.name } : {};
    const req = fill(U.ConversationWebchatQueueStatusUpdateRequest, 0, Object.assign({ agent_status: 'busy' }, over));
    const done = await call('updateConversationWebchatQueueStatus', queue, req);
    const after = done && await call('getConversationWebchatQueueStatuses');
    const q = after && after.queue_statuses.find((x) => x.queue_name === queue);
    const me = q && (q.agents || []).find((x) => x.conversation_participant_arn && x.conversation_participant_name === 'Fake Agent');
    if (after && check(me, 'getConversationWebchatQueueStatuses', 'the agent is not in the queue after the status update')) {
      // Every property of the request that the queue's agent entry also
      // has is read back as sent.
      const want = {};
      for (const [p] of propsOf(U.ConversationWebchatQueueStatusAgent)) if (p in req) want[p] = req[p];
      sameAs('getConversationWebchatQueueStatuses', 'agent in the queue after updateConversationWebchatQueueStatus', want, me);
    }
  }

  if (HAS.has('searchAgentStatusHistory')) await reports();
  if (HAS.has('getPbxDefaultTimezone')) {
    const tz = await call('getPbxDefaultTimezone');
    if (tz) check(tz.default_timezone === 'America/New_York', 'getPbxDefaultTimezone', `default ${tz.default_timezone}, documented America/New_York`);
    const req = fill(U.ConversationPbxDefaultTimezoneUpdateRequest, 0, { default_timezone: 'America/Chicago' });
    const put = await call('updatePbxDefaultTimezone', req);
    if (put) sameAs('updatePbxDefaultTimezone', 'default timezone update', req, put);
    const again = await call('getPbxDefaultTimezone');
    if (again) sameAs('getPbxDefaultTimezone', 'default timezone after update', req, again);
    const bad = await refused('updatePbxDefaultTimezone', U.ConversationPbxDefaultTimezoneUpdateRequest.constructFromObject({ default_timezone: 'Mars/Olympus' }));
    if (bad) check(bad.status === 400, 'updatePbxDefaultTimezone', `Mars/Olympus: ${bad.status}`);
  }
}

// The status reports: the status change above is in today's history, and
// the demo data's day of status events (2026-04-20: Riley on the PBX,
// 08:58 to 17:05 Central with a 45-minute lunch; the calling agent on chat,
// 09:00 to 17:00 with an hour of training) gives every report exact
// numbers. Days are days of the PBX default time zone, America/New_York
// until the scenario changes it below.
async function reports() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
  const mine = await call('searchAgentStatusHistory', fill(U.ConversationAgentStatusHistorySearchRequest, 0, {
    agent_user_id: '1001', status: undefined, trigger: 'manual', channel: 'chat', date_start: today, date_end: today,
  }), { _limit: 10, _offset: 0 });
  if (mine) check(mine.events.some((e) => e.new_status === 'busy'), 'searchAgentStatusHistory', `the status update is not in today's history: ${JSON.stringify(mine.events)}`);

  const day = '2026-04-20';
  const hist = await call('searchAgentStatusHistory', fill(U.ConversationAgentStatusHistorySearchRequest, 0, {
    agent_user_id: '1002', channel: 'pbx', status: undefined, trigger: undefined, date_start: day, date_end: day,
  }), { _limit: 2, _offset: 1 });
  if (hist) {
    check(hist.total === 4 && hist.events.length === 2 && hist.metadata.result_set.next_offset === 3, 'searchAgentStatusHistory', `page 2 of Riley's day: total ${hist.total}, ${hist.events.length} events, ${JSON.stringify(hist.metadata)}`);
    const lunch = hist.events.find((e) => e.custom_status_name === 'Lunch');
    check(lunch && lunch.previous_status === 'available' && lunch.duration_in_previous_seconds === 10920 && lunch.new_routing_effect === 'unavailable',
      'searchAgentStatusHistory', `Riley's lunch: ${JSON.stringify(lunch)}`);
  }
  const rollups = await call('searchAgentStatusRollups', fill(U.ConversationAgentStatusRollupSearchRequest, 0, { agent_user_id: undefined, channel: undefined, date_start: day, date_end: day }));
  if (rollups) {
    const row = (user) => plain(rollups.rollups.find((r) => r.agent_user_id === user)) || {};
    const riley = row('1002');
    const me = row('1001');
    check(riley.channel === 'pbx' && riley.rollup_date === day && riley.total_tracked_seconds === 29220 && riley.available_seconds === 26520 &&
      riley.unavailable_seconds === 2700 && riley.calls_taken === 1 && util.isDeepStrictEqual(riley.status_breakdown, { available: 26520, Lunch: 2700 }),
    'searchAgentStatusRollups', `Riley's day: ${JSON.stringify(riley)}`);
    check(me.channel === 'chat' && me.total_tracked_seconds === 28800 && me.available_seconds === 28800 && util.isDeepStrictEqual(me.status_breakdown, { available: 25200, Training: 3600 }),
      'searchAgentStatusRollups', `the calling agent's day: ${JSON.stringify(me)}`);
  }
  const sum = await call('getAgentStatusSummary', day, day);
  if (sum) {
    check(sum.total_agents === 2 && sum.agents.length === 2 && util.isDeepStrictEqual(plain(sum.status_breakdown), { available: 51720, Lunch: 2700, Training: 3600 }),
      'getAgentStatusSummary', JSON.stringify(sum));
  }
  const hm = await call('getAgentStatusHeatmap', fill(U.ConversationAgentStatusHeatmapRequest, 0, { channel: undefined, metric: 'availability', date_start: day, date_end: day }));
  // (The calling agent is named as its profile now says: the scenario renamed it.)
  if (hm) check(hm.agents.length === 2 && hm.agents.includes('Riley') && hm.hours.length === 24, 'getAgentStatusHeatmap', JSON.stringify(hm));
  const tl = await call('getAgentStatusTimeline', '1002', day, { channel2: 'pbx' });
  if (tl) {
    check(tl.status_events.length === 4 && tl.call_events.length === 1 && tl.summary.calls_taken === 1 && tl.summary.available_seconds === 26520,
      'getAgentStatusTimeline', JSON.stringify(tl));
  }
}

async function main() {
  const steps = [conversations, agent, settings, pbx, voicemails, calls, statuses];
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      fail('scenario', step.name, e.stack.split('\n').slice(0, 3).join(' | '));
    }
  }
  // refused() of a get after delete counts as a call too; the phone number
  // purchase's kind uses purchasePbxPhoneNumber as its insert.
  for (const op of SDK_OPS) {
    if (!called.has(op)) fail('scenario', op, 'the SDK has this operation, no step of the scenario drives it');
  }
  // Failures by category, and how many operations each touches.
  const by = {};
  for (const f of failures) {
    const c = by[f.category] || (by[f.category] = { failures: 0, ops: new Set() });
    c.failures++;
    c.ops.add(f.op);
  }
  const summary = Object.entries(by).map(([c, v]) => `${c} ${v.failures} in ${v.ops.size} operations`).join(', ');
  console.log(`SDK ${VERSION}: ${SDK_OPS.length} operations, ${called.size} called, ${compared} properties compared, ${failures.length} failures${summary ? ` (${summary})` : ''}`);
  console.log(`RESULT sdk=${VERSION} operations=${SDK_OPS.length} called=${called.size} failures=${failures.length} compared=${compared}`);
  process.exit(failures.length ? 1 : 0);
}

main();
