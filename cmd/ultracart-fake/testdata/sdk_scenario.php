<?php
// Drives all 128 operations of UltraCart's official PHP SDK (4.1.70) against
// the fake: inserts read back equal, updates and deletes take effect, a get
// after a delete is a 400 naming the object, and every response decodes
// under the SDK's own enum and length checks. Run by TestOfficialPHPSDK
// (main_test.go): BASE and KEY name the fake, ULTRACART_PHP_SDK the SDK's
// lib/ directory; Guzzle comes from Debian's php-guzzlehttp-guzzle.
require_once 'GuzzleHttp/autoload.php';
spl_autoload_register(function ($class) {
    $p = 'ultracart\\v2\\';
    if (strncmp($class, $p, strlen($p)) === 0) {
        $f = getenv('ULTRACART_PHP_SDK') . '/' . str_replace('\\', '/', substr($class, strlen($p))) . '.php';
        if (is_file($f)) require $f;
    }
});
use ultracart\v2\api\ConversationApi;
use ultracart\v2\ApiException;
use ultracart\v2\ObjectSerializer as OS;
use ultracart\v2\models as M;

$base = getenv('BASE'); $key = getenv('KEY');
$api = ConversationApi::usingApiKey($key);
$api->getConfig()->setHost($base);
$called = []; $fail = 0;
function arr($m) { return json_decode(json_encode(OS::sanitizeForSerialization($m)), true); }
function check($ok, $what) { global $fail; if (!$ok) { $fail++; echo "FAIL: $what\n"; } }
function call($op, $fn) {
    global $called, $fail;
    $called[$op] = true;
    try { return $fn(); }
    catch (\Throwable $e) { $fail++; echo "FAIL $op: " . get_class($e) . ": " . substr($e->getMessage(), 0, 300) . "\n"; return null; }
}
function gone($op, $fn, $id) {
    global $called, $fail;
    $called[$op] = true;
    try { $fn(); $fail++; echo "FAIL $op: found $id after delete\n"; }
    catch (ApiException $e) {
        $body = json_decode($e->getResponseBody(), true);
        check($e->getCode() == 400 && ($body['error']['object_id'] ?? '') == $id, "$op after delete: {$e->getCode()}");
    }
}
function subset($sent, $got, $what) {
    foreach (arr($sent) as $k => $v) check(arr($got)[$k] == $v, "$what: $k");
}
// crud: insert, get == insert, list holds it, update, get == update, delete, get fails.
function crud($n, $value, $change, $id, $ins, $get, $list, $upd, $del, $ops) {
    $in = call($ops[0], fn() => $ins($value)); if (!$in) return;
    subset($value, $in, "$n insert");
    $i = $id($in);
    if ($get) check(arr(call($ops[1], fn() => $get($i))) == arr($in), "$n get after insert");
    $l = call($ops[2], fn() => $list());
    check(count(array_filter($l ?? [], fn($x) => $id($x) == $i)) == 1, "$n list after insert");
    $u = clone $in; $change($u);
    $out = call($ops[3], fn() => $upd($i, $u));
    if ($out) subset($u, $out, "$n update");
    if ($get) check(arr(call($ops[1], fn() => $get($i))) == arr($out), "$n get after update");
    call($ops[4], fn() => $del($i));
    if ($get) gone($ops[1], fn() => $get($i), $i);
    check(count(array_filter(call($ops[2], fn() => $list()) ?? [], fn($x) => $id($x) == $i)) == 0, "$n list after delete");
}

// Conversations.
$convs = call('getConversations', fn() => $api->getConversations(null, null, 2, 0));
check(count($convs->getConversations()) == 2 && $convs->getMetadata()->getResultSet()->getMore(), 'page');
$c = call('startConversation', fn() => $api->startConversation(new M\ConversationStartRequest(['add_conversation_participant_arns' => ['arn:x']])))->getConversation();
$cid = $c->getConversationUuid();
call('joinConversation', fn() => $api->joinConversation($cid, new M\ConversationJoinRequest(['participant_language_iso_code' => 'en'])));
call('getConversation', fn() => $api->getConversation($cid, 10));
call('getConversationMessages', fn() => $api->getConversationMessages($cid, 0, 10));
call('markReadConversation', fn() => $api->markReadConversation($cid));
call('getConversationContext', fn() => $api->getConversationContext($cid));
call('smsUnsubscribeConversation', fn() => $api->smsUnsubscribeConversation($cid));
call('leaveConversation', fn() => $api->leaveConversation($cid));
$s = call('getConversationsSearch', fn() => $api->getConversationsSearch(new M\ConversationSearchRequest(['range_begin' => 0, 'range_end' => 2, 'order_by_newest' => true])));
check($s->getTotal() == 4 && count($s->getRecords()) == 2, 'search');
$a = call('getConversationsAutocomplete', fn() => $api->getConversationsAutocomplete(new M\ConversationAutocompleteRequest(['field' => 'email', 'term' => 'jane'])));
check(count($a->getResults()) == 1, 'autocomplete');
$qs = call('getConversationWebchatQueueStatuses', fn() => $api->getConversationWebchatQueueStatuses())->getQueueStatuses();
call('updateConversationWebchatQueueStatus', fn() => $api->updateConversationWebchatQueueStatus($qs[0]->getQueueName(), new M\ConversationWebchatQueueStatusUpdateRequest(['agent_status' => 'busy'])));
call('getAgentKeepAlive', fn() => $api->getAgentKeepAlive());
call('getAgentWebsocketAuthorization', fn() => $api->getAgentWebsocketAuthorization());
call('getConversationMultimediaUploadUrl', fn() => $api->getConversationMultimediaUploadUrl('png'));
call('getConversationPermissions', fn() => $api->getConversationPermissions());
call('getLocationsForEngagement', fn() => $api->getLocationsForEngagement());
$ctx = call('getConversationContext', fn() => $api->getConversationContext($cid));
$item = $ctx->getCart()->getItems()[0]->getItemId();
call('getConversationItemVariations', fn() => $api->getConversationItemVariations($item));
call('getConversationPbxCustomerSnapshot', fn() => $api->getConversationPbxCustomerSnapshot(new M\ConversationPbxCustomerSnapshotRequest(['phone_number' => '+15555550123'])));

// Agent profiles, MCP servers, knowledge base.
$me = call('getAgentProfile', fn() => $api->getAgentProfile())->getAgentProfile();
$me->setDisplayName('PHP agent'); $me->setAiVoicePersonality('Leo');
$up = call('updateAgentProfile', fn() => $api->updateAgentProfile($me))->getAgentProfile();
subset($me, $up, 'agent profile');
check(arr(call('getAgentProfile', fn() => $api->getAgentProfile())->getAgentProfile()) == arr($up), 'agent profile read back');
$profiles = call('getAgentProfiles', fn() => $api->getAgentProfiles())->getAgentProfiles();
$uid = $profiles[0]->getUserId();
call('getConversationDepartmentMemberList', fn() => $api->getConversationDepartmentMemberList());
crud('mcp', new M\ConversationMcpServer(['url' => 'https://mcp.example.com/php', 'auth_method' => 'header', 'header_name' => 'X-Test', 'header_value' => 'not-a-secret', 'priority' => 3]),
    fn($m) => $m->setPriority(1), fn($m) => $m->getMcpServerUuid(),
    fn($v) => $api->insertAgentProfileMcp($uid, $v)->getMcpServer(), fn($i) => $api->getAgentProfileMcp($uid, $i)->getMcpServer(),
    fn() => $api->getAgentProfileMcps($uid)->getMcpServers(), fn($i, $v) => $api->updateAgentProfileMcp($uid, $i, $v)->getMcpServer(),
    fn($i) => $api->deleteAgentProfileMcp($uid, $i),
    ['insertAgentProfileMcp', 'getAgentProfileMcp', 'getAgentProfileMcps', 'updateAgentProfileMcp', 'deleteAgentProfileMcp']);
$mcp = call('insertAgentProfileMcp', fn() => $api->insertAgentProfileMcp($uid, new M\ConversationMcpServer(['url' => 'https://mcp.example.com/x'])))->getMcpServer();
call('getAgentProfileMcpTools', fn() => $api->getAgentProfileMcpTools($uid, $mcp->getMcpServerUuid()));
$u = call('getConversationKnowledgeBaseDocumentUploadUrl', fn() => $api->getConversationKnowledgeBaseDocumentUploadUrl($uid, 'pdf'))->getConversationKnowledgeBaseDocumentUploadUrl();
(new GuzzleHttp\Client())->put($u->getUrl(), ['body' => str_repeat('x', 1500)]);
$before = count($api->getAgentProfileKnowledgeBase($uid)->getDocuments());
$d = call('insertAgentProfileKnowledgeBaseDocument', fn() => $api->insertAgentProfileKnowledgeBaseDocument($uid, new M\ConversationInsertKnowledgeBaseDocumentRequest(['original_file_name' => 'faq.pdf', 'presigned_url' => $u->getUrl()])));
check(count(call('getAgentProfileKnowledgeBase', fn() => $api->getAgentProfileKnowledgeBase($uid))->getDocuments()) == $before + 1, 'kb list');
check(call('deleteAgentProfileKnowledgeBaseDocument', fn() => $api->deleteAgentProfileKnowledgeBaseDocument($uid, $d->getDocumentUuid()))->getDocumentId() == 'faq.pdf', 'kb delete');
$b = call('getVirtualAgentBudget', fn() => $api->getVirtualAgentBudget())->getBudget();
$b->setBudgetDaily(1234567.89);
check(call('updateVirtualAgentBudget', fn() => $api->updateVirtualAgentBudget($b))->getBudget()->getBudgetDaily() == 1234567.89, 'budget');
check(call('getVirtualAgentBudget', fn() => $api->getVirtualAgentBudget())->getBudget()->getBudgetDaily() == 1234567.89, 'budget read back');
$cap = call('getVirtualAgentCapabilities', fn() => $api->getVirtualAgentCapabilities())->getCapabilities();
$cap->setGenerateCoupon(true); $cap->setOpenSupportTicketChannel('zoho_desk_ticket');
call('updateVirtualAgentCapabilities', fn() => $api->updateVirtualAgentCapabilities($cap));
check(arr(call('getVirtualAgentCapabilities', fn() => $api->getVirtualAgentCapabilities())->getCapabilities()) == arr($cap), 'capabilities read back');

// Canned messages, departments, engagements.
crud('canned', new M\ConversationCannedMessage(['short_code' => 'php', 'canned_message' => 'Hi from PHP', 'conversation_department_oids' => [1]]),
    fn($m) => $m->setCannedMessage('changed'), fn($m) => $m->getConversationCannedMessageOid(),
    fn($v) => $api->insertConversationCannedMessage($v)->getConversationCannedMessage(), null,
    fn() => $api->getConversationCannedMessages()->getConversationCannedMessages(),
    fn($i, $v) => $api->updateConversationCannedMessage($i, $v)->getConversationCannedMessage(), fn($i) => $api->deleteConversationCannedMessage($i),
    ['insertConversationCannedMessage', '', 'getConversationCannedMessages', 'updateConversationCannedMessage', 'deleteConversationCannedMessage']);
call('searchConversationCannedMessages', fn() => $api->searchConversationCannedMessages(new M\ConversationCannedMessagesSearch(['short_code' => 'h', 'max_results' => 2])));
crud('department', new M\ConversationDepartment(['department_name' => 'PHP dept', 'members' => [new M\ConversationDepartmentMember(['user_id' => 1002, 'member' => true])]]),
    fn($m) => $m->setDepartmentName('PHP dept 2'), fn($m) => $m->getConversationDepartmentOid(),
    fn($v) => $api->insertConversationDepartment($v)->getConversationDepartment(), null,
    fn() => $api->getConversationDepartments()->getConversationDepartments(),
    fn($i, $v) => $api->updateConversationDepartment($i, $v)->getConversationDepartment(), fn($i) => $api->deleteDepartment($i),
    ['insertConversationDepartment', '', 'getConversationDepartments', 'updateConversationDepartment', 'deleteDepartment']);
crud('engagement', new M\ConversationEngagement(['engagement_name' => 'PHP eng', 'visitor_type' => 'first time', 'time_on_page' => 9]),
    fn($m) => $m->setActive(false), fn($m) => $m->getConversationEngagementOid(),
    fn($v) => $api->insertConversationEngagement($v)->getConversationEngagement(), fn($i) => $api->getConversationEngagement($i)->getConversationEngagement(),
    fn() => $api->getConversationEngagements()->getConversationEngagements(),
    fn($i, $v) => $api->updateConversationEngagement($i, $v)->getConversationEngagement(), fn($i) => $api->deleteEngagement($i),
    ['insertConversationEngagement', 'getConversationEngagement', 'getConversationEngagements', 'updateConversationEngagement', 'deleteEngagement']);

// PBX kinds.
$pbx = [
  ['PbxAddress', 'address', 'addresses', new M\ConversationPbxAddress(['friendly_name' => 'PHP office', 'street' => '1 Elm', 'country_code' => 'US']), fn($m) => $m->setCity('Dayton'), 'getConversationPbxAddressUuid', 'Addresses'],
  ['PbxAudio', 'audio', 'audios', new M\ConversationPbxAudio(['description' => 'PHP audio', 'filename' => 'a.mp3']), fn($m) => $m->setDefaultHoldMusic(true), 'getConversationPbxAudioUuid', 'Audios'],
  ['UserPbxAudio', 'audio', 'audios', new M\ConversationPbxAudio(['description' => 'PHP user audio']), fn($m) => $m->setFilename('me.wav'), 'getConversationPbxAudioUuid', 'UserPbxAudios'],
  ['PbxClassOfService', 'class_of_service', 'classes_of_services', new M\ConversationPbxClassOfService(['name' => 'PHP cos', 'allowed_countries' => ['1']]), fn($m) => $m->setOutboundEnabled(false), 'getConversationPbxClassOfServiceUuid', 'ClassesOfService'],
  ['PbxHardwarePhone', 'hardware_phone', 'hardware_phones', new M\ConversationPbxHardwarePhone(['name' => 'PHP phone', 'mac_address' => '00:11:22:33:44:55']), fn($m) => $m->setModel('T54W'), 'getConversationPbxHardwarePhoneUuid', 'HardwarePhones'],
  ['PbxMenu', 'menu', 'menus', new M\ConversationPbxMenu(['name' => 'PHP menu', 'say_voice' => 'man', 'mappings' => [new M\ConversationPbxMenuMapping(['digits' => 1, 'action' => 'voicemail', 'action_target' => '7f3c2a10-5b1e-4c8a-9d01-000000000021'])]]), fn($m) => $m->setTimeout(5), 'getConversationPbxMenuUuid', 'Menus'],
  ['PbxQueue', 'queue', 'queues', new M\ConversationPbxQueue(['name' => 'PHP queue', 'ai_priority' => 'first', 'members' => new M\ConversationPbxQueueMembers(['users' => [1001]])]), fn($m) => $m->setSay('hello'), 'getConversationPbxQueueUuid', 'Queues'],
  ['PbxTimeBased', 'time_based', 'time_baseds', new M\ConversationPbxTimeBased(['time_based_name' => 'PHP tb']), fn($m) => $m->setTimeBasedName('PHP tb 2'), 'getConversationPbxTimeBasedUuid', 'TimeBaseds'],
  ['PbxTimeRange', 'time_range', 'time_ranges', new M\ConversationPbxTimeRange(['time_range_name' => 'PHP tr', 'configs' => [new M\ConversationPbxTimeRangeConfig(['start_date' => new \DateTime('2026-12-24T00:00:00+00:00'), 'start_time' => '09:00'])]]), fn($m) => $m->setTimezone('UTC'), 'getConversationPbxTimeRangeUuid', 'TimeRanges'],
  ['PbxVoicemailMailbox', 'voicemail_mailbox', 'voicemail_mailboxes', new M\ConversationPbxVoicemailMailbox(['voicemail_mailbox_id' => 'php', 'voicemail_mailbox_type' => 'agent']), fn($m) => $m->setVoicemailPromptSay('beep'), 'getConversationPbxVoicemailMailboxUuid', 'VoicemailMailboxes'],
];
function camel($s) { return str_replace('_', '', ucwords($s, '_')); }
foreach ($pbx as [$kind, $one, $many, $value, $change, $idg, $listName]) {
    $g = 'get' . camel($one); $gm = 'get' . camel($many);
    $listOp = ($kind == 'UserPbxAudio') ? 'getUserPbxAudios' : ($kind == 'PbxClassOfService' ? 'getPbxClassesOfService' : 'get' . ($kind == 'PbxAudio' ? 'PbxAudios' : 'Pbx' . $listName));
    $ops = ['insert' . $kind, 'get' . $kind, $listOp, 'update' . $kind, 'delete' . $kind];
    $del = $kind == 'PbxClassOfService' ? fn($i) => $api->deletePbxClassOfService($i) : fn($i) => $api->{$ops[4]}($i)->$g();
    crud($kind, $value, $change, fn($m) => $m->$idg(),
        fn($v) => $api->{$ops[0]}($v)->$g(), fn($i) => $api->{$ops[1]}($i)->$g(),
        fn() => $api->{$ops[2]}()->$gm(), fn($i, $v) => $api->{$ops[3]}($i, $v)->$g(), $del, $ops);
}
// Phone numbers.
$avail = call('searchPbxAvailablePhoneNumbers', fn() => $api->searchPbxAvailablePhoneNumbers('US', '212', null, true, true, 'local', 2))->getAvailablePhoneNumbers();
crud('phone number', new M\ConversationPbxPhoneNumber([]), fn($m) => $m->setAction('menu')->setActionTarget('7f3c2a10-5b1e-4c8a-9d01-000000000041'), fn($m) => $m->getConversationPbxPhoneNumberUuid(),
    fn($v) => $api->purchasePbxPhoneNumber(new M\ConversationPbxPhoneNumberPurchaseRequest(['phone_number' => $avail[0]->getPhoneNumber(), 'action' => 'queue', 'action_target' => '7f3c2a10-5b1e-4c8a-9d01-000000000031', 'friendly_name' => 'PHP'])) ->getPhoneNumber(),
    fn($i) => $api->getPbxPhoneNumber($i)->getPhoneNumber(), fn() => $api->getPbxPhoneNumbers()->getPhoneNumbers(),
    fn($i, $v) => $api->updatePbxPhoneNumber($i, $v)->getPhoneNumber(), fn($i) => $api->deletePbxPhoneNumber($i),
    ['purchasePbxPhoneNumber', 'getPbxPhoneNumber', 'getPbxPhoneNumbers', 'updatePbxPhoneNumber', 'deletePbxPhoneNumber']);
$n = $api->getPbxPhoneNumbers()->getPhoneNumbers()[0];
check(call('protectPbxPhoneNumber', fn() => $api->protectPbxPhoneNumber($n->getConversationPbxPhoneNumberUuid()))->getPhoneNumber()->getDeletionProtected(), 'protect');
// Agents, phones, audio usage, voicemails, calls.
$agents = call('getPbxAgents', fn() => $api->getPbxAgents())->getAgents();
$ag = call('getPbxAgent', fn() => $api->getPbxAgent($agents[0]->getConversationPbxAgentUuid()))->getAgent();
$ag->setCellphone('+15555550188'); $ag->setCallRoutingPreference('cellphone');
$ag2 = call('updatePbxAgent', fn() => $api->updatePbxAgent($ag->getConversationPbxAgentUuid(), $ag))->getAgent();
check(arr($ag2) == arr($ag), 'agent update read back');
call('getPbxHardwarePhoneManufacturers', fn() => $api->getPbxHardwarePhoneManufacturers());
$ph = $api->getPbxHardwarePhones()->getHardwarePhones()[0];
call('regeneratePasswordForPbxHardwarePhone', fn() => $api->regeneratePasswordForPbxHardwarePhone($ph->getConversationPbxHardwarePhoneUuid(), $ph));
$au = $api->getPbxAudios()->getAudios()[0];
call('getPbxAudioUsage', fn() => $api->getPbxAudioUsage($au->getConversationPbxAudioUuid()));
call('getConversationPbxAudioUploadUrl', fn() => $api->getConversationPbxAudioUploadUrl('mp3'));
$q = $api->getPbxQueues()->getQueues()[0]->getConversationPbxQueueUuid();
call('resetConversationPbxQueueStatistics', fn() => $api->resetConversationPbxQueueStatistics($q));
$qv = call('getPbxQueueVoicemails', fn() => $api->getPbxQueueVoicemails($q))->getVoicemailMessageSummaries();
$sid = $qv[0]->getRecordingSid();
call('listenedPbxQueueVoicemail', fn() => $api->listenedPbxQueueVoicemail($q, $sid));
check(call('getPbxQueueVoicemail', fn() => $api->getPbxQueueVoicemail($q, $sid))->getVoicemailMessage()->getListened(), 'queue vm listened');
call('deletePbxQueueVoicemail', fn() => $api->deletePbxQueueVoicemail($q, $sid));
gone('getPbxQueueVoicemail', fn() => $api->getPbxQueueVoicemail($q, $sid), $sid);
$av = call('getPbxAgentVoicemails', fn() => $api->getPbxAgentVoicemails())->getVoicemailMessageSummaries();
$sid = $av[0]->getRecordingSid();
call('listenedPbxAgentVoicemail', fn() => $api->listenedPbxAgentVoicemail($sid));
check(call('getPbxAgentVoicemail', fn() => $api->getPbxAgentVoicemail($sid))->getVoicemailMessage()->getListened(), 'agent vm listened');
call('deletePbxAgentVoicemail', fn() => $api->deletePbxAgentVoicemail($sid));
gone('getPbxAgentVoicemail', fn() => $api->getPbxAgentVoicemail($sid), $sid);
$calls = call('searchPbxCalls', fn() => $api->searchPbxCalls(new M\ConversationPbxCallSearchRequest(['has_recording' => true]), 1, 0, '-created_at_dts'));
check(count($calls->getCalls()) == 1 && $calls->getMetadata()->getResultSet()->getTotalRecords() == 2, 'call search');
call('getPbxCall', fn() => $api->getPbxCall($calls->getCalls()[0]->getCallUuid()));
call('getPbxCosAuditLogs', fn() => $api->getPbxCosAuditLogs('2026-01-01T00:00:00Z', 'riley', null, 10));

$ops = array_keys(array_filter($called, fn($k) => $k !== '', ARRAY_FILTER_USE_KEY));
check(count($ops) == 128, 'every operation called');
echo count($ops) . " operations called, $fail failures\n";
exit($fail ? 1 : 0);
