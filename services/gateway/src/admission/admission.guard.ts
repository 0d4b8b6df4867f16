import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { callerOf } from '../auth/caller';
import { AdmissionControl } from './admission-control';
import { TenantBacklogShare } from './tenant-backlog-share';

/**
 * Admission of `POST /documents`. A guard runs before interceptors, so a refused upload is answered
 * before its body is read and stored.
 */
@Injectable()
export class DocumentAdmissionGuard implements CanActivate {
  constructor(
    @Inject(AdmissionControl) private readonly admission: AdmissionControl,
    @Inject(TenantBacklogShare) private readonly tenantShare: TenantBacklogShare,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    this.admission.assertAdmits('document');
    this.tenantShare.assertWithinShare('document', callerOf(context.switchToHttp().getRequest<Request>()));
    return true;
  }
}
