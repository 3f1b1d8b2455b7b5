import { createMembersOnlyController } from '../../../access/members-only-controller';

export default createMembersOnlyController('api::quiz.quiz');
